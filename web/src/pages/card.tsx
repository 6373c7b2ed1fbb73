// card.tsx: the client card (a person) and the company card: details and
// custom fields, editing with messages at the fields, the timeline with
// open overdue tasks pinned on top, adding a note, task, call, meeting or
// e-mail, finishing the service with a reason, archiving and restoring.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Page } from '../api';
import { fmtDate, fmtDateTime, fmtMoney, fmtNumber, fmtPhone } from '../fmt';
import { t, tn, type Key } from '../i18n';
import { closeReasons, companyName, contactName, customFieldsOf, reasonName, userName } from '../names';
import { Attachments } from '../office';
import { navigate } from '../router';
import { toast } from '../store';
import type { Activity, ActivityKind, Change, Company, Contact, CustomField, Inquiry, Note, TimelineItem } from '../types';
import { ActivityForm, KINDS, kindLabel, toggleDone } from '../ui/activityForm';
import { confirmDialog, Modal } from '../ui/dialogs';
import { noErrors, showError, type FormErrors } from '../ui/errors';
import { FormActions, FormError, SelectField, TextArea } from '../ui/fields';
import { RecordForm, selectOptions } from '../ui/recordForm';
import { KindBadge, StatusBadge } from './home';
import { changeLines, type HistoryEntity } from './changes';
import { NewInquiry } from './inquiries';
import { companySpecs, contactSpecs } from './specs';
import { LoadMore } from '../ui/loadMore';
import { loadFailure, Pending } from '../ui/pending';

function customValue(f: CustomField, v: unknown): string {
  if (v === null || v === undefined || v === '') return '';
  if (f.type === 'currency') return fmtMoney(v as number);
  if (f.type === 'number') return fmtNumber(v as number);
  if (f.type === 'date') return fmtDate(String(v));
  if (f.type === 'select') return selectOptions(f).find(([k]) => k === v)?.[1] ?? String(v);
  return String(v);
}

/* mergedInto: the record was merged (the API's 308 was followed to the
 * record it lives on now): show that one under its own address. */
function mergedInto(path: string): void {
  toast(t('merge.redirected'), 'info');
  navigate(path, true);
}

function Details({ rows }: { rows: [string, preact.ComponentChildren][] }) {
  return (
    <dl class="details">
      {rows
        .filter(([, v]) => v !== '' && v !== null && v !== undefined && v !== false)
        .map(([k, v]) => (
          <div key={k} class="detail">
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
    </dl>
  );
}

function CustomDetails({ entity, values }: { entity: CustomField['entity']; values: Record<string, unknown> }) {
  const fs = customFieldsOf(entity);
  if (!fs.length) return null;
  return <Details rows={fs.map((f): [string, string] => [f.label, customValue(f, values?.[f.name])])} />;
}

const CHANGE_KEYS: Record<string, Key> = {
  create: 'change.create',
  update: 'change.update',
  delete: 'change.delete',
  restore: 'change.restore',
  finish: 'change.finish',
  reopen: 'change.reopen',
  comment: 'change.comment',
  merge: 'change.merge',
};

/* ChangeText: one entry of a record's history; an update lists each
 * changed field by its label, old -> new (changes.ts). */
export function ChangeText({ c, entity = 'contacts' }: { c: Change; entity?: HistoryEntity }) {
  const action = CHANGE_KEYS[c.action] ? t(CHANGE_KEYS[c.action]) : c.action;
  const lines = c.action === 'update' ? changeLines(entity, c.changes, ['comment', 'note', 'close_reason', 'close_reason_id']) : [];
  return (
    <>
      <strong>{action}</strong>
      {c.user_name && <span class="muted"> · {c.user_name}</span>}
      {c.action === 'comment' && <p class="note-body">{String(c.changes.comment ?? '')}</p>}
      {c.action === 'finish' && (
        <p>
          {t('finish.reason')}: {reasonName(c.changes.close_reason_id as number) || String(c.changes.close_reason ?? '')}
          {c.changes.note ? <span class="note-body"> — {String(c.changes.note)}</span> : null}
        </p>
      )}
      {lines.length > 0 && (
        <ul class="change-lines">
          {lines.map((l) => (
            <li key={l.field}>
              <span class="change-field">{l.label}:</span> {l.from} → {l.to}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function ActivityLine(p: { a: Activity; onOpen: () => void; onToggle: () => void; pinned?: boolean }) {
  const { a } = p;
  return (
    <div class={'tl-activity' + (a.status === 'done' ? ' is-done' : '') + (a.status === 'cancelled' ? ' is-cancelled' : '') + (p.pinned ? ' overdue' : '')}>
      <input
        type="checkbox"
        checked={a.status === 'done'}
        disabled={a.status === 'cancelled'}
        aria-label={t(a.status === 'done' ? 'action.markPlannedNamed' : 'action.markDoneNamed', { s: a.subject })}
        onChange={p.onToggle}
      />
      <KindBadge a={a} />
      <button type="button" class="linklike tl-subject" onClick={p.onOpen}>
        {a.subject}
      </button>
      <span class="muted tl-when">
        {fmtDateTime(a.starts_at)}
        {a.assignee_id ? ' · ' + userName(a.assignee_id) : ''}
      </span>
      {a.status === 'cancelled' && <span class="badge badge-muted">{t('status.cancelled')}</span>}
      {/* what came of it: a done activity's note (a planned one's is in its form) */}
      {a.status === 'done' && a.note && <p class="note-body tl-note">{a.note}</p>}
    </div>
  );
}

function Timeline(p: { base: 'contacts' | 'companies'; id: number; linkKey: 'contact_id' | 'company_id'; version: number; readOnlyNote?: boolean }) {
  const [pinned, setPinned] = useState<Activity[]>([]);
  const [items, setItems] = useState<TimelineItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [edit, setEdit] = useState<{ id?: number; kind?: ActivityKind } | null>(null);
  const [noteOpen, setNoteOpen] = useState(false);
  const [note, setNote] = useState('');
  const [noteErr, setNoteErr] = useState<FormErrors>(noErrors);
  const noteForm = useRef<HTMLFormElement>(null);
  // '+ Notatka' puts the cursor in the text box at once.
  useEffect(() => {
    if (noteOpen) noteForm.current?.querySelector('textarea')?.focus();
  }, [noteOpen]);
  // Ctrl+Enter (Cmd+Enter on a Mac) saves the note, as the button does.
  const noteKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      noteForm.current?.requestSubmit();
    }
  };

  const load = async (more = false) => {
    setLoading(true);
    try {
      const r = await api.get<{ pinned: Activity[]; items: TimelineItem[]; next_cursor: string | null }>(
        `/api/${p.base}/${p.id}/timeline`,
        { limit: 30, cursor: more ? cursor : null },
      );
      if (!more) setPinned(r.pinned);
      setItems((x) => (more ? [...x, ...r.items] : r.items));
      setCursor(r.next_cursor);
    } catch (e) {
      showError(e);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    load();
  }, [p.id, p.version]);

  const addNote = async (e: Event) => {
    e.preventDefault();
    setNoteErr(noErrors);
    try {
      await api.post<Note>('/api/notes', { body: note, [p.linkKey]: p.id });
      setNote('');
      setNoteOpen(false);
      toast(t('common.saved'), 'success');
      load();
    } catch (err) {
      showError(err, { setErrors: setNoteErr });
    }
  };

  const toggle = async (a: Activity) => {
    if (await toggleDone(a)) load();
  };

  return (
    <section class="panel timeline" aria-labelledby="tl-title">
      <h2 id="tl-title">{t('card.timeline')}</h2>
      <div class="add-bar" role="group" aria-label={t('card.add')}>
        <button type="button" class="btn btn-small" onClick={() => setNoteOpen((x) => !x)} aria-expanded={noteOpen}>
          + {t('card.note')}
        </button>
        {KINDS.map((k) => (
          <button key={k} type="button" class="btn btn-small" onClick={() => setEdit({ kind: k })}>
            + {kindLabel(k)}
          </button>
        ))}
      </div>
      {noteOpen && (
        <form class="note-form" onSubmit={addNote} onKeyDown={noteKey} ref={noteForm}>
          <TextArea label={t('card.noteBody')} value={note} onInput={setNote} rows={3} error={noteErr.fields.body} required hint={t('card.noteCtrlEnter')} />
          <FormError text={noteErr.form} />
          <FormActions label={t('card.addNote')} onCancel={() => setNoteOpen(false)} />
        </form>
      )}
      {pinned.length > 0 && (
        <div class="pinned" aria-label={t('card.pinned')}>
          <h3>{t('card.pinned')}</h3>
          {pinned.map((a) => (
            <ActivityLine key={a.id} a={a} pinned onOpen={() => setEdit({ id: a.id })} onToggle={() => toggle(a)} />
          ))}
        </div>
      )}
      <ol class="tl-list">
        {items.filter((it) => ['activity', 'note', 'change', 'inquiry'].includes(it.type)).map((it) => (
          <li key={it.type + (it.record as { id: number }).id} class={'tl-item tl-' + it.type}>
            <time class="tl-at" dateTime={it.at}>
              {fmtDateTime(it.at)}
            </time>
            <div class="tl-body">
              {it.type === 'activity' && (
                <ActivityLine a={it.record as Activity} onOpen={() => setEdit({ id: (it.record as Activity).id })} onToggle={() => toggle(it.record as Activity)} />
              )}
              {it.type === 'note' && (
                <>
                  <span class="kind-badge kind-note">{t('card.note')}</span>
                  <span class="muted"> {userName((it.record as Note).created_by)}</span>
                  <p class="note-body">{(it.record as Note).body}</p>
                </>
              )}
              {it.type === 'change' && <ChangeText c={it.record as Change} entity={p.base} />}
              {it.type === 'inquiry' && (
                <span class="tl-activity">
                  <span class="kind-badge kind-inquiry">{t('home.inquiry')}</span>
                  <a href={`/inquiries/${(it.record as Inquiry).id}`}>{(it.record as Inquiry).title}</a>
                  <StatusBadge id={(it.record as Inquiry).status_id} />
                  {(it.record as Inquiry).value !== null && <span class="muted">{fmtMoney((it.record as Inquiry).value)}</span>}
                </span>
              )}
            </div>
          </li>
        ))}
      </ol>
      {!loading && items.length === 0 && <p class="muted">{t('card.empty')}</p>}
      <div class="list-foot">
        {loading && <span class="muted">{t('common.loading')}</span>}
        {!loading && cursor && (
          <LoadMore onMore={() => load(true)} />
        )}
      </div>
      {edit && (
        <ActivityForm
          id={edit.id}
          initial={edit.id ? undefined : { kind: edit.kind, [p.linkKey]: p.id }}
          fixedContact={p.linkKey === 'contact_id'}
          onClose={() => setEdit(null)}
          onSaved={() => {
            setEdit(null);
            load();
          }}
        />
      )}
    </section>
  );
}

function FinishDialog(p: { contact: Contact; onClose: () => void; onDone: (c: Contact) => void }) {
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const c = await api.post<Contact>(`/api/contacts/${p.contact.id}/finish`, {
        close_reason_id: reason ? +reason : null,
        note: note.trim() || null,
      });
      p.onDone(c);
    } catch (err) {
      showError(err, { setErrors });
    }
  };
  return (
    <Modal title={t('finish.title')} onClose={p.onClose} labelId="finish-title">
      <form onSubmit={submit}>
        <SelectField
          label={t('finish.reason')}
          value={reason}
          onChange={setReason}
          required
          empty="—"
          options={closeReasons('contacts').map((r) => [String(r.id), tn(r)])}
          error={errors.fields.close_reason_id}
        />
        <TextArea label={t('finish.note')} value={note} onInput={setNote} error={errors.fields.note} />
        <FormError text={errors.form} />
        <FormActions label={t('finish.submit')} onCancel={p.onClose} />
      </form>
    </Modal>
  );
}

export function ClientCard({ id }: { id: number }) {
  const [c, setC] = useState<Contact | null>(null);
  const [company, setCompany] = useState<Company | null>(null);
  const [editing, setEditing] = useState(false);
  const [finishing, setFinishing] = useState(false);
  const [inquiring, setInquiring] = useState(false);
  const [failed, setFailed] = useState('');

  const load = async () => {
    try {
      const r = await api.get<Contact>(`/api/contacts/${id}`);
      if (r.id !== id) return mergedInto(`/clients/${r.id}`);
      setC(r);
      setCompany(r.company_id ? await api.get<Company>(`/api/companies/${r.company_id}`).catch(() => null) : null);
    } catch (e) {
      if (c) showError(e);
      else setFailed(loadFailure(e));
    }
  };
  useEffect(() => {
    load();
  }, [id]);

  if (!c) return <Pending failed={failed} back="/clients" backLabel={t('clients.title')} />;

  const patch = async (body: Record<string, unknown>) => {
    try {
      setC(await api.patch<Contact>(`/api/contacts/${c.id}`, { ...body, version: c.version }));
      toast(t('common.saved'), 'success');
    } catch (e) {
      showError(e, { reload: load });
    }
  };

  const edit = async () => {
    if (c.archived) {
      if (!(await confirmDialog(t('card.archivedEdit'), t('action.restore')))) return;
      await patch({ archived: false });
    }
    setEditing(true);
  };

  const reopen = async () => {
    try {
      setC(await api.post<Contact>(`/api/contacts/${c.id}/reopen`, {}));
      toast(t('common.saved'), 'success');
    } catch (e) {
      showError(e);
    }
  };

  return (
    <section class={'page card' + (c.archived ? ' is-archived' : '')}>
      <nav class="crumbs" aria-label={t('nav.crumbs')}>
        <a href="/clients">{t('clients.title')}</a>
      </nav>
      <div class="page-head">
        <h1>
          {contactName(c)}{' '}
          <span class="badge">{t(('ckind.' + c.kind) as Key)}</span>
          {c.status === 'finished' && <span class="badge badge-muted">{t('cstatus.finished')}</span>}
          {c.archived && <span class="badge badge-muted">{t('clients.archived')}</span>}
        </h1>
        <div class="page-actions">
          {!editing && (
            <button type="button" class="btn btn-primary" onClick={edit}>
              {t('action.edit')}
            </button>
          )}
          {c.status === 'active' ? (
            <button type="button" class="btn" onClick={() => setFinishing(true)}>
              {t('finish.open')}
            </button>
          ) : (
            <button type="button" class="btn" onClick={reopen}>
              {t('finish.reopen')}
            </button>
          )}
          <button type="button" class="btn" onClick={() => setInquiring(true)}>
            + {t('card.newInquiry')}
          </button>
          <button type="button" class="btn" onClick={() => patch({ archived: !c.archived })}>
            {c.archived ? t('action.restore') : t('action.archive')}
          </button>
        </div>
      </div>
      {inquiring && <NewInquiry contactId={c.id} onClose={() => setInquiring(false)} />}
      {c.archived && <p class="notice">{t('card.archivedNotice')}</p>}
      {c.access === 'task' && <p class="notice">{t('card.taskAccess')}</p>}
      <div class="card-grid">
        <div>
          <section class="panel" aria-labelledby="det-title">
            <h2 id="det-title">{t('card.details')}</h2>
            {editing ? (
              <RecordForm<Contact>
                entity="contacts"
                specs={contactSpecs()}
                record={c}
                customEntity="contacts"
                onCancel={() => setEditing(false)}
                onReload={() => {
                  setEditing(false);
                  load();
                }}
                onSaved={(r) => {
                  setC(r);
                  setEditing(false);
                  toast(t('common.saved'), 'success');
                  if (r.company_id !== company?.id) load();
                }}
              />
            ) : (
              <>
                <Details
                  rows={[
                    [t('field.phone'), c.phone ? <a href={'tel:' + c.phone}>{fmtPhone(c.phone)}</a> : ''],
                    [t('field.email'), c.email ? <a href={'mailto:' + c.email}>{c.email}</a> : ''],
                    [t('field.company'), company ? <a href={`/companies/${company.id}`}>{companyName(company)}</a> : ''],
                    [t('field.city'), c.city ?? ''],
                    [t('field.address'), c.address ?? ''],
                    [t('field.birth_date'), fmtDate(c.birth_date)],
                    [t('field.pesel'), c.pesel ?? ''],
                    [t('field.owner'), userName(c.owner_id)],
                    [t('field.visibility'), t(('vis.' + c.visibility) as Key)],
                    [t('field.cstatus'), t(('cstatus.' + c.status) as Key) + (c.close_reason_id ? ' — ' + reasonName(c.close_reason_id) : '')],
                    [t('field.created_at'), fmtDateTime(c.created_at)],
                  ]}
                />
                <CustomDetails entity="contacts" values={c.custom} />
              </>
            )}
          </section>
        <Attachments entity="contacts" id={c.id} />
        </div>
        <Timeline base="contacts" id={c.id} linkKey="contact_id" version={c.version} />
      </div>
      {finishing && (
        <FinishDialog
          contact={c}
          onClose={() => setFinishing(false)}
          onDone={(r) => {
            setC(r);
            setFinishing(false);
            toast(t('common.saved'), 'success');
          }}
        />
      )}
    </section>
  );
}

export function CompanyCard({ id }: { id: number }) {
  const [c, setC] = useState<Company | null>(null);
  const [people, setPeople] = useState<Contact[]>([]);
  const [editing, setEditing] = useState(false);

  const [failed, setFailed] = useState('');

  const load = async () => {
    try {
      const [r, p] = await Promise.all([
        api.get<Company>(`/api/companies/${id}`),
        api.get<Page<Contact>>('/api/contacts', { company_id: id, limit: 50, sort: 'last_name' }),
      ]);
      if (r.id !== id) return mergedInto(`/companies/${r.id}`);
      setC(r);
      setPeople(p.items);
    } catch (e) {
      if (c) showError(e);
      else setFailed(loadFailure(e));
    }
  };
  useEffect(() => {
    load();
  }, [id]);
  if (!c) return <Pending failed={failed} back="/clients?tab=companies" backLabel={t('clients.companies')} />;
  return (
    <section class="page card">
      <nav class="crumbs" aria-label={t('nav.crumbs')}>
        <a href="/clients?tab=companies">{t('clients.companies')}</a>
      </nav>
      <div class="page-head">
        <h1>{c.name}</h1>
        <div class="page-actions">
          {!editing && (
            <button type="button" class="btn btn-primary" onClick={() => setEditing(true)}>
              {t('action.edit')}
            </button>
          )}
        </div>
      </div>
      {c.access === 'task' && <p class="notice">{t('card.taskAccessCompany')}</p>}
      <div class="card-grid">
        <div>
          <section class="panel" aria-labelledby="det-title">
            <h2 id="det-title">{t('card.details')}</h2>
            {editing ? (
              <RecordForm<Company>
                entity="companies"
                specs={companySpecs()}
                record={c}
                customEntity="companies"
                onCancel={() => setEditing(false)}
                onReload={() => {
                  setEditing(false);
                  load();
                }}
                onSaved={(r) => {
                  setC(r);
                  setEditing(false);
                  toast(t('common.saved'), 'success');
                }}
              />
            ) : (
              <>
                <Details
                  rows={[
                    [t('field.nip'), c.nip ?? ''],
                    [t('field.regon'), c.regon ?? ''],
                    [t('field.phone'), c.phone ? <a href={'tel:' + c.phone}>{fmtPhone(c.phone)}</a> : ''],
                    [t('field.email'), c.email ? <a href={'mailto:' + c.email}>{c.email}</a> : ''],
                    [t('field.city'), c.city ?? ''],
                    [t('field.address'), c.address ?? ''],
                    [t('field.owner'), userName(c.owner_id)],
                  ]}
                />
                <CustomDetails entity="companies" values={c.custom} />
              </>
            )}
          </section>
          <section class="panel" aria-labelledby="people-title">
            <h2 id="people-title">{t('card.people')}</h2>
            {people.length === 0 && <p class="muted">{t('clients.none')}</p>}
            <ul class="plain-list">
              {people.map((x) => (
                <li key={x.id}>
                  <a href={`/clients/${x.id}`}>{contactName(x)}</a>
                  {x.phone && <span class="muted"> · {fmtPhone(x.phone)}</span>}
                </li>
              ))}
            </ul>
          </section>
          <Attachments entity="companies" id={c.id} />
        </div>
        <Timeline base="companies" id={c.id} linkKey="company_id" version={c.version} />
      </div>
    </section>
  );
}
