// announcements.tsx: office announcements.  The pop-up that shows the
// caller's pending ones one at a time ("I have read it" acknowledges,
// "Later" puts one off for 30 minutes), and the page: the caller's history
// (addressed to them or written by them), a new announcement for admins and
// managers (audience: everyone, or roles and/or departments), and for its
// author and admins: editing one (the same form, PATCH with its version,
// optionally shown again to everyone as unread),
// deleting it to the trash (undoable from the toast) and who has read it.
// Bodies are shown as the server's body_html: Markdown rendered with every
// byte of text escaped.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Page } from '../api';
import { fmtDateTime } from '../fmt';
import { t, type Key } from '../i18n';
import { departmentName } from '../names';
import type { Announcement, Receipts, Role } from '../officeTypes';
import { isAdmin, lookups, me, toast } from '../store';
import { confirmDialog, Modal } from '../ui/dialogs';
import { noErrors, showError, type FormErrors } from '../ui/errors';
import { CheckField, FormActions, FormError, TextArea, TextField } from '../ui/fields';
import { LoadMore, usePaged } from '../ui/loadMore';
import '../styles/office.css';

const ROLES: Role[] = ['admin', 'manager', 'agent'];

function canWrite(): boolean {
  const r = me().role;
  return r === 'admin' || r === 'manager';
}

function canManage(a: Announcement): boolean {
  return isAdmin() || a.created_by === me().id;
}

function addressedToMe(a: Announcement): boolean {
  const u = me();
  // Roles and departments together: both must match (as the server reads it).
  if (a.audience_everyone) return true;
  const roleOk = a.audience_roles.length === 0 || a.audience_roles.includes(u.role);
  const depOk = a.audience_departments.length === 0 || (u.department_id !== null && a.audience_departments.includes(u.department_id));
  return (a.audience_roles.length > 0 || a.audience_departments.length > 0) && roleOk && depOk;
}

function audienceText(a: Announcement): string {
  if (a.audience_everyone) return t('ann.audienceAll');
  const roles = a.audience_roles.map((r) => t(('role.' + r) as Key)).join(', ');
  const deps = a.audience_departments.map(departmentName).join(', ');
  if (roles && deps) return t('ann.audienceBoth', { roles, deps });
  return t('ann.audienceTo', { list: roles || deps });
}

/* Body: the server-rendered HTML of the Markdown body (see markdown.h:
 * text is escaped, raw HTML never passes, links only http(s) and mailto). */
export function Body({ html }: { html: string }) {
  return <div class="prose" dangerouslySetInnerHTML={{ __html: html }} />;
}

/* PendingDialog: the caller's pending announcements, one at a time. */
export function PendingDialog(p: { items: Announcement[]; onDone: (id: number) => void }) {
  const total = useRef(p.items.length);
  const [busy, setBusy] = useState(false);
  if (p.items.length > total.current) total.current = p.items.length;
  const a = p.items[0];
  const mark = async (verb: 'ack' | 'later') => {
    if (busy) return;
    setBusy(true);
    try {
      await api.post(`/api/announcements/${a.id}/${verb}`);
      p.onDone(a.id);
    } catch (e) {
      showError(e);
    } finally {
      setBusy(false);
    }
  };
  const n = total.current - p.items.length + 1;
  return (
    <Modal title={a.title} onClose={() => mark('later')} labelId="ann-pending-title" wide>
      <p class="ann-kicker">
        <span class="badge">{t('ann.kicker')}</span>
        {total.current > 1 && <span class="muted">{t('ann.counter', { n, total: total.current })}</span>}
        <span class="muted">{t('ann.from', { name: a.author_name ?? '', at: fmtDateTime(a.created_at) })}</span>
      </p>
      <Body html={a.body_html} />
      <div class="form-actions">
        <button type="button" class="btn btn-primary" autoFocus disabled={busy} onClick={() => mark('ack')}>
          {t('ann.read')}
        </button>
        <button type="button" class="btn" disabled={busy} onClick={() => mark('later')}>
          {t('ann.later')}
        </button>
      </div>
      <p class="hint">{t('ann.laterHint')}</p>
    </Modal>
  );
}

function fieldMessage(msg: string): string {
  return msg.startsWith('announcements need an audience') ? t('ann.needAudience') : msg;
}

/* AnnouncementForm: a new announcement, or (rec) an edit of one that
 * sends its version: a stale one gets the "someone changed it" question,
 * whose "reload" is onStale (the caller shows the form again on the
 * current record). */
function AnnouncementForm(p: { rec?: Announcement; onClose: () => void; onSaved: (a: Announcement) => void; onStale?: () => void }) {
  const [title, setTitle] = useState(p.rec?.title ?? '');
  const [body, setBody] = useState(p.rec?.body ?? '');
  const [everyone, setEveryone] = useState(p.rec?.audience_everyone ?? true);
  const [roles, setRoles] = useState<Role[]>(p.rec?.audience_roles ?? []);
  const [deps, setDeps] = useState<number[]>(p.rec?.audience_departments ?? []);
  const [again, setAgain] = useState(false);
  const [errors, setErrorsRaw] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const setErrors = (e: FormErrors) => {
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(e.fields)) fields[k] = fieldMessage(v);
    setErrorsRaw({ fields, form: e.form });
  };
  const toggle = <T,>(xs: T[], x: T, on: boolean) => (on ? [...xs, x] : xs.filter((y) => y !== x));
  const submit = async (e: Event) => {
    e.preventDefault();
    setErrorsRaw(noErrors);
    setBusy(true);
    const fields = everyone
      ? { title, body, audience_everyone: true }
      : { title, body, audience_everyone: false, audience_roles: roles, audience_departments: deps };
    try {
      let a = p.rec
        ? await api.patch<Announcement>(`/api/announcements/${p.rec.id}`, { ...fields, version: p.rec.version })
        : await api.post<Announcement>('/api/announcements', fields);
      // An edit that matters: everyone sees it again, as unread.
      if (p.rec && again) a = await api.post<Announcement>(`/api/announcements/${a.id}/reannounce`);
      p.onSaved(a);
    } catch (err) {
      showError(err, { setErrors, reload: p.onStale });
    } finally {
      setBusy(false);
    }
  };
  const audErr = errors.fields.audience_everyone;
  const departments = lookups.get().departments;
  return (
    <Modal title={p.rec ? t('ann.edit') : t('ann.new')} onClose={p.onClose} labelId="ann-form-title" wide>
      <form onSubmit={submit} noValidate>
        <TextField label={t('field.title')} value={title} onInput={setTitle} required error={errors.fields.title} autoFocus />
        <TextArea label={t('ann.body')} value={body} onInput={setBody} rows={7} required error={errors.fields.body} hint={t('ann.bodyHint')} />
        <fieldset class={'segmented audience' + (audErr ? ' has-error' : '')} aria-describedby={audErr ? 'ann-aud-err' : undefined}>
          <legend class="field-legend">{t('ann.audience')}</legend>
          <label>
            <input type="radio" name="audience" checked={everyone} onChange={() => setEveryone(true)} /> {t('ann.everyone')}
          </label>
          <label>
            <input type="radio" name="audience" checked={!everyone} onChange={() => setEveryone(false)} /> {t('ann.chosen')}
          </label>
          {audErr && (
            <p class="field-error" id="ann-aud-err" role="alert">
              {audErr}
            </p>
          )}
        </fieldset>
        {!everyone && (
          <div class="audience-pick">
            <fieldset class={'segmented' + (errors.fields.audience_roles ? ' has-error' : '')}>
              <legend class="field-legend">{t('ann.roles')}</legend>
              {ROLES.map((r) => (
                <label key={r}>
                  <input type="checkbox" checked={roles.includes(r)} onChange={(e) => setRoles(toggle(roles, r, (e.target as HTMLInputElement).checked))} />{' '}
                  {t(('role.' + r) as Key)}
                </label>
              ))}
              {errors.fields.audience_roles && <p class="field-error" role="alert">{errors.fields.audience_roles}</p>}
            </fieldset>
            <fieldset class={'segmented' + (errors.fields.audience_departments ? ' has-error' : '')}>
              <legend class="field-legend">{t('ann.departments')}</legend>
              {departments.length === 0 && <span class="muted">{t('ann.noDepartments')}</span>}
              {departments.map((d) => (
                <label key={d.id}>
                  <input type="checkbox" checked={deps.includes(d.id)} onChange={(e) => setDeps(toggle(deps, d.id, (e.target as HTMLInputElement).checked))} />{' '}
                  {d.name}
                </label>
              ))}
              {errors.fields.audience_departments && <p class="field-error" role="alert">{errors.fields.audience_departments}</p>}
            </fieldset>
            <p class="hint">{t('ann.bothHint')}</p>
          </div>
        )}
        {p.rec && <CheckField label={t('ann.showAgain')} checked={again} onChange={setAgain} />}
        <FormError text={errors.form} />
        <FormActions label={p.rec ? t('action.save') : t('ann.publish')} busy={busy} onCancel={p.onClose} />
      </form>
    </Modal>
  );
}

function ReceiptsDialog(p: { a: Announcement; onClose: () => void }) {
  const [r, setR] = useState<Receipts | null>(null);
  useEffect(() => {
    api.get<Receipts>(`/api/announcements/${p.a.id}/receipts`).then(setR, (e) => {
      showError(e);
      p.onClose();
    });
  }, []);
  return (
    <Modal title={t('ann.receiptsTitle', { title: p.a.title })} onClose={p.onClose} labelId="ann-receipts-title">
      {!r && <p class="muted">{t('common.loading')}</p>}
      {r && r.total === 0 && <p class="muted">{t('ann.receiptsNone')}</p>}
      {r && r.total > 0 && (
        <>
          <p class="receipts-sum">
            <strong>{t('ann.receiptsCount', { read: r.read, total: r.total })}</strong>
          </p>
          <ul class="receipts">
            {r.items.map((x) => (
              <li key={x.user_id} class={x.acked_at ? 'is-read' : ''}>
                <span class="receipt-name">{x.name || x.login}</span>
                <span class="receipt-state">
                  {x.acked_at ? (
                    <>
                      <span aria-hidden="true">✓ </span>
                      {t('ann.readAt', { at: fmtDateTime(x.acked_at) })}
                    </>
                  ) : x.later_until && Date.parse(x.later_until) > Date.now() ? (
                    t('ann.laterUntil', { at: fmtDateTime(x.later_until) })
                  ) : (
                    t('ann.notRead')
                  )}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      <div class="form-actions">
        <button type="button" class="btn" onClick={p.onClose}>
          {t('action.close')}
        </button>
      </div>
    </Modal>
  );
}

function ReadState({ a }: { a: Announcement }) {
  if (!addressedToMe(a)) return null;
  if (a.receipt?.acked_at) return <span class="badge badge-read">{t('ann.readAt', { at: fmtDateTime(a.receipt.acked_at) })}</span>;
  if (a.receipt?.later_until && Date.parse(a.receipt.later_until) > Date.now())
    return <span class="badge badge-muted">{t('ann.laterUntil', { at: fmtDateTime(a.receipt.later_until) })}</span>;
  return <span class="badge badge-unread">{t('ann.unread')}</span>;
}

export function AnnouncementsPage() {
  const list = usePaged<Announcement>((cursor) => api.get<Page<Announcement>>('/api/announcements', { limit: 20, cursor }), []);
  const { items, cursor } = list;
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Announcement | null>(null);
  const [receipts, setReceipts] = useState<Announcement | null>(null);

  const put = (a: Announcement) => list.setItems((xs) => xs.map((x) => (x.id === a.id ? a : x)));

  const ack = async (a: Announcement) => {
    try {
      const r = await api.post<{ acked_at: string | null; later_until: string | null }>(`/api/announcements/${a.id}/ack`);
      const receipt = { acked_at: r.acked_at, later_until: r.later_until };
      list.setItems((xs) => xs.map((x) => (x.id === a.id ? { ...x, receipt } : x)));
    } catch (e) {
      showError(e);
    }
  };

  /* reopen: after a conflict, the form again on the record as it is now. */
  const reopen = async (a: Announcement) => {
    try {
      const cur = await api.get<Announcement>(`/api/announcements/${a.id}`);
      put(cur);
      setEditing(cur);
    } catch (e) {
      setEditing(null);
      if (e instanceof ApiError && e.status === 404) list.setItems((xs) => xs.filter((x) => x.id !== a.id));
      showError(e);
    }
  };

  const undoDelete = async (a: Announcement) => {
    try {
      await api.post(`/api/announcements/${a.id}/restore`);
      list.reload();
      toast(t('ann.restored'), 'success');
    } catch (e) {
      showError(e);
    }
  };

  const remove = async (a: Announcement) => {
    if (!(await confirmDialog(t('ann.deleteConfirm'), t('action.delete')))) return;
    try {
      await api.del(`/api/announcements/${a.id}`);
      list.setItems((xs) => xs.filter((x) => x.id !== a.id));
      toast(t('ann.deleted'), 'success', { label: t('action.undo'), run: () => undoDelete(a) });
    } catch (e) {
      showError(e);
    }
  };

  return (
    <section class="page announcements">
      <div class="page-head">
        <div>
          <h1>{t('ann.title')}</h1>
          <p class="muted page-intro">{t('ann.intro')}</p>
        </div>
        {canWrite() && (
          <div class="page-actions">
            <button type="button" class="btn btn-primary" onClick={() => setCreating(true)}>
              + {t('ann.new')}
            </button>
          </div>
        )}
      </div>
      {!items && <p class="muted">{t('common.loading')}</p>}
      {items && items.length === 0 && <p class="muted empty">{t('ann.none')}</p>}
      {items && items.length > 0 && (
        <ul class="ann-list">
          {items.map((a) => (
            <li key={a.id} class={'panel ann' + (addressedToMe(a) && !a.receipt?.acked_at ? ' is-unread' : '')}>
              <article aria-labelledby={'ann-' + a.id}>
                <header class="ann-head">
                  <h2 id={'ann-' + a.id}>{a.title}</h2>
                  <ReadState a={a} />
                </header>
                <p class="ann-meta muted">
                  {t('ann.from', { name: a.author_name ?? '', at: fmtDateTime(a.created_at) })} · {audienceText(a)}
                </p>
                <Body html={a.body_html} />
                <div class="ann-actions">
                  {addressedToMe(a) && !a.receipt?.acked_at && (
                    <button type="button" class="btn btn-small btn-primary" onClick={() => ack(a)}>
                      {t('ann.read')}
                    </button>
                  )}
                  {canManage(a) && canWrite() && (
                    <button type="button" class="btn btn-small" onClick={() => setEditing(a)}>
                      {t('action.edit')}
                    </button>
                  )}
                  {canManage(a) && (
                    <button type="button" class="btn btn-small" onClick={() => setReceipts(a)}>
                      {t('ann.receipts')}
                    </button>
                  )}
                  {canManage(a) && (
                    <button type="button" class="btn btn-small btn-quiet" onClick={() => remove(a)}>
                      {t('action.delete')}
                    </button>
                  )}
                </div>
              </article>
            </li>
          ))}
        </ul>
      )}
      {cursor && (
        <div class="list-foot">
          <LoadMore onMore={list.more} />
        </div>
      )}
      {creating && (
        <AnnouncementForm
          onClose={() => setCreating(false)}
          onSaved={(a) => {
            setCreating(false);
            list.setItems((xs) => [a, ...xs]);
            toast(t('ann.published'), 'success');
          }}
        />
      )}
      {editing && (
        <AnnouncementForm
          key={editing.id + ':' + editing.version}
          rec={editing}
          onClose={() => setEditing(null)}
          onStale={() => reopen(editing)}
          onSaved={(a) => {
            setEditing(null);
            put(a);
            toast(t('ann.saved'), 'success');
          }}
        />
      )}
      {receipts && <ReceiptsDialog a={receipts} onClose={() => setReceipts(null)} />}
    </section>
  );
}
