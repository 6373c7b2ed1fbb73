// inquiries.tsx: sales inquiries: the list with filters, the board by
// status (drag a card to another column, or focus it and press the arrow
// keys), and the inquiry itself: the form with its description, custom
// fields, its handler and (independently) who sees it; its activities and
// tasks, added from its page; comments and history, won or lost with a reason.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Page, type Query } from '../api';
import { fmtDate, fmtDateTime, fmtMoney, moneyInput, parseMoney } from '../fmt';
import { t, tn, type Key } from '../i18n';
import { closeReasons, customFieldsOf, inquiryStatuses, reasonName, statusOf, userName } from '../names';
import { navigate, replaceQuery, routeEpoch, useLocation } from '../router';
import { Attachments } from '../office';
import { lookups, me, toast } from '../store';
import type { Activity, ActivityKind, Change, Inquiry, Status, Visibility } from '../types';
import { ActivityForm, KINDS, kindLabel, toggleDone } from '../ui/activityForm';
import { confirmDialog, Modal } from '../ui/dialogs';
import { noErrors, showError, type FormErrors } from '../ui/errors';
import { CheckField, FormActions, FormError, SelectField, TextArea, TextField, type Option } from '../ui/fields';
import { Lookup } from '../ui/lookup';
import { selectOptions, userOptions } from '../ui/recordForm';
import { ExportMenu } from '../ui/transfer';
import { ClientLink } from '../ui/clientLink';
import { ActivityLine, ChangeText } from './card';
import { StatusBadge } from './home';
import { LoadMore } from '../ui/loadMore';
import { FilterBar, ListCount, SortTh } from '../ui/listBits';
import { loadFailure, Pending } from '../ui/pending';

/* Who handles an inquiry and who sees it are two choices: "a colleague
 * handles it, my department sees it".  Department-wide is the handler's
 * department; private is the handler's and the author's (and managers'). */
const VISIBILITIES: Visibility[] = ['private', 'department', 'company'];

/* handlerOptions: active people; an agent hands an inquiry only to someone
 * of their own department (the server refuses others with a field error).
 * The current handler stays listed. */
function handlerOptions(current: number | null | undefined): Option[] {
  const u = me();
  return lookups
    .get()
    .users.filter((x) => x.id === current || (x.active && (u.role !== 'agent' || x.department_id === u.department_id)))
    .map((x) => [String(x.id), x.name || x.login]);
}

/* InquiryForm: create or edit an inquiry. */
export function InquiryForm(p: {
  rec?: Inquiry | null;
  contactId?: number; // a new inquiry's client (started from the client's card)
  onSaved: (i: Inquiry) => void;
  onCancel?: () => void;
  onReload?: () => void;
}) {
  const r = p.rec ?? null;
  const customs = customFieldsOf('inquiries');
  const [title, setTitle] = useState(r?.title ?? '');
  const [contact, setContact] = useState<number | null>(r?.contact_id ?? p.contactId ?? null);
  const [status, setStatus] = useState(String(r?.status_id ?? inquiryStatuses().find((s) => !s.closed)?.id ?? ''));
  const [date, setDate] = useState(r?.planned_close_date ?? '');
  const [value, setValue] = useState(moneyInput(r?.value));
  const [description, setDescription] = useState(r?.description ?? '');
  const [vis, setVis] = useState<Visibility>(r?.visibility ?? 'department');
  const [handler, setHandler] = useState(String(r?.handler_id ?? me().id));
  const [custom, setCustom] = useState<Record<string, string>>(() =>
    Object.fromEntries(customs.map((f) => [f.name, r?.custom?.[f.name] === undefined || r?.custom?.[f.name] === null ? '' : String(r.custom[f.name])])),
  );
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErrors(noErrors);
    const st = statusOf(+status);
    const body: Record<string, unknown> = {
      title: title.trim(),
      description: description.trim() ? description : null,
      contact_id: contact,
      planned_close_date: date || null,
      value: value.trim() ? parseMoney(value) : null,
      visibility: vis,
      handler_id: handler ? +handler : me().id,
    };
    if (!r || +status !== r.status_id) body.status_id = status ? +status : null;
    if (st?.outcome === 'lost' && !r?.close_reason_id) {
      setErrors({ fields: { status_id: t('err.lostReason') }, form: '' });
      setBusy(false);
      return;
    }
    const c: Record<string, unknown> = {};
    for (const f of customs) {
      const v = custom[f.name] ?? '';
      c[f.name] = v.trim() === '' ? null : f.type === 'number' ? Number(v.replace(',', '.')) : f.type === 'currency' ? parseMoney(v) : v.trim();
    }
    if (customs.length) body.custom = c;
    try {
      const out = r
        ? await api.patch<Inquiry>(`/api/inquiries/${r.id}`, { ...body, version: r.version })
        : await api.post<Inquiry>('/api/inquiries', body);
      p.onSaved(out);
    } catch (err) {
      await showError(err, { setErrors, reload: p.onReload });
    } finally {
      setBusy(false);
    }
  };
  const fe = errors.fields;
  const statuses = inquiryStatuses().filter((s) => !s.closed || s.id === r?.status_id);
  return (
    <form class="form-grid" onSubmit={submit} noValidate>
      <TextField class="span-2" label={t('field.title')} value={title} onInput={setTitle} required error={fe.title} />
      <div class="span-2">
        <Lookup label={t('field.client')} entity="contacts" value={contact} onChange={setContact} error={fe.contact_id} />
      </div>
      <TextArea class="span-2" label={t('field.description')} value={description} onInput={setDescription} rows={4} error={fe.description} />
      <SelectField label={t('field.status')} value={status} onChange={setStatus} options={statuses.map((s) => [String(s.id), tn(s)])} error={fe.status_id} />
      <TextField label={t('field.planned_close_date')} type="date" value={date} onInput={setDate} error={fe.planned_close_date} />
      <TextField label={t('field.value')} value={value} onInput={setValue} inputMode="decimal" error={fe.value} hint="PLN" />
      <SelectField label={t('field.handler')} value={handler} onChange={setHandler} options={handlerOptions(r?.handler_id)} error={fe.handler_id} />
      <fieldset class="field span-2 segmented">
        <legend>{t('field.visibility')}</legend>
        {VISIBILITIES.map((v) => (
          <label key={v}>
            <input type="radio" name="vis" checked={vis === v} onChange={() => setVis(v)} /> {t(('visc.' + v) as Key)}
          </label>
        ))}
      </fieldset>
      {customs.map((f) =>
        f.type === 'select' ? (
          <SelectField
            key={f.name}
            label={f.label}
            value={custom[f.name] ?? ''}
            onChange={(v) => setCustom((c) => ({ ...c, [f.name]: v }))}
            options={selectOptions(f)}
            empty="—"
            required={f.required}
            error={fe['custom.' + f.name]}
          />
        ) : (
          <TextField
            key={f.name}
            label={f.label}
            type={f.type === 'date' ? 'date' : 'text'}
            value={custom[f.name] ?? ''}
            onInput={(v) => setCustom((c) => ({ ...c, [f.name]: v }))}
            required={f.required}
            error={fe['custom.' + f.name]}
          />
        ),
      )}
      <div class="span-2">
        <FormError text={errors.form || fe.custom || fe.visibility || ''} />
      </div>
      <FormActions class="span-2" label={r ? t('action.save') : t('action.create')} busy={busy} onCancel={p.onCancel} />
    </form>
  );
}

/** NewInquiry: the new-inquiry dialog; with contactId, for that client. */
export function NewInquiry({ onClose, contactId }: { onClose: () => void; contactId?: number }) {
  return (
    <Modal title={t('inquiries.new')} onClose={onClose} wide labelId="new-inq-title">
      <InquiryForm
        contactId={contactId}
        onCancel={onClose}
        onSaved={(i) => {
          onClose();
          toast(t('common.saved'), 'success');
          navigate(`/inquiries/${i.id}`);
        }}
      />
    </Modal>
  );
}

function InquiryTabs({ on }: { on: 'list' | 'board' }) {
  return (
    <div class="tabs" role="tablist">
      <a role="tab" href="/inquiries" aria-selected={on === 'list'} class={on === 'list' ? 'on' : ''}>
        {t('inquiries.list')}
      </a>
      <a role="tab" href="/inquiries/board" aria-selected={on === 'board'} class={on === 'board' ? 'on' : ''}>
        {t('inquiries.board')}
      </a>
    </div>
  );
}

export function InquiriesPage() {
  useLocation();
  // A navigation (the global search's "show all", Back) starts the list
  // afresh from the address; its own filter changes do not.
  return <InquiryList key={routeEpoch()} />;
}

/* The filters, search and sort live in the address (?q=&status=&outcome=
 * &mine=1&handler=&from=&to=&sort=): a reload and Back keep them.  ?q=
 * alone (the global search's "show all"): every outcome, like the search. */
function InquiryList() {
  const u = new URLSearchParams(location.search);
  const urlQ = u.get('q') ?? '';
  const [q, setQ] = useState(urlQ);
  const [qd, setQd] = useState(urlQ.trim());
  const [status, setStatus] = useState(u.get('status') ?? '');
  const [outcome, setOutcome] = useState(u.has('outcome') ? (u.get('outcome') === 'all' ? '' : u.get('outcome')!) : urlQ ? '' : 'open');
  const [mine, setMine] = useState(u.get('mine') === '1');
  const [handler, setHandler] = useState(u.get('handler') ?? '');
  const [from, setFrom] = useState(u.get('from') ?? '');
  const [to, setTo] = useState(u.get('to') ?? '');
  // '' the newest changes first; by the planned close date or the title
  const [sort, setSort] = useState(u.get('sort') ?? '');
  const [count, setCount] = useState<number | null>(null);
  const [items, setItems] = useState<Inquiry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [creating, setCreating] = useState(false);
  const seq = useRef(0);
  useEffect(() => {
    const h = setTimeout(() => setQd(q.trim()), 250);
    return () => clearTimeout(h);
  }, [q]);
  const load = async (more = false) => {
    const n = ++seq.current;
    setLoading(true);
    try {
      const page = await api.get<Page<Inquiry> & { count?: number }>('/api/inquiries', { ...listParams(), limit: 50, cursor: more ? cursor : null, count: more ? null : 1 });
      if (n !== seq.current) return;
      if (!more) setCount(page.count ?? null);
      setItems((x) => (more ? [...x, ...page.items] : page.items));
      setCursor(page.next_cursor);
    } catch (e) {
      showError(e);
    } finally {
      if (n === seq.current) setLoading(false);
    }
  };
  const listParams = (): Query => ({
    q: qd,
    status_id: status,
    outcome,
    handler_id: mine ? me().id : handler || null,
    planned_close_date_from: from || null,
    planned_close_date_to: to || null,
    sort: sort || null,
  });
  useEffect(() => {
    load();
    replaceQuery({
      q: qd || null,
      status: status || null,
      outcome: outcome || 'all',
      mine: mine ? '1' : null,
      handler: handler || null,
      from: from || null,
      to: to || null,
      sort: sort || null,
    });
  }, [qd, status, outcome, mine, handler, from, to, sort]);
  const nextSort = () => setSort(sort === 'planned_close_date' ? '-planned_close_date' : sort === '-planned_close_date' ? '' : 'planned_close_date');
  const sortMark = sort === 'planned_close_date' ? ' ▲' : sort === '-planned_close_date' ? ' ▼' : '';
  return (
    <section class="page">
      <div class="page-head">
        <h1>{t('inquiries.title')}</h1>
        <div class="page-actions">
          <button type="button" class="btn btn-primary" onClick={() => setCreating(true)}>
            + {t('inquiries.new')}
          </button>
        </div>
      </div>
      <InquiryTabs on="list" />
      <FilterBar search={<TextField class="grow" label={t('inquiries.search')} type="search" value={q} onInput={setQ} />}>
        <SelectField label={t('field.status')} value={status} onChange={setStatus} options={inquiryStatuses().map((s) => [String(s.id), tn(s)])} empty={t('common.all')} />
        <SelectField
          label={t('field.outcome')}
          value={outcome}
          onChange={setOutcome}
          options={(['open', 'won', 'lost'] as const).map((o) => [o, t(('outcome.' + o) as Key)])}
          empty={t('common.all')}
        />
        <CheckField label={t('inquiries.mine')} checked={mine} onChange={setMine} />
        {!mine && <SelectField label={t('field.handler')} value={handler} onChange={setHandler} options={userOptions()} empty={t('common.everyone')} />}
        <TextField label={t('inquiries.closeFrom')} type="date" value={from} onInput={setFrom} />
        <TextField label={t('inquiries.closeTo')} type="date" value={to} onInput={setTo} />
        <ExportMenu entity="inquiries" params={listParams()} columns={['title', 'status_id', 'planned_close_date', 'handler_id', 'value']} />
      </FilterBar>
      <ListCount n={count} />
      <div class="table-wrap">
        <table class="list cards">
          <thead>
            <tr>
              <SortTh field="title" sort={sort} label={t('field.title')} onSort={setSort} />
              <th>{t('field.client')}</th>
              <th>{t('field.status')}</th>
              <th aria-sort={sort === 'planned_close_date' ? 'ascending' : sort === '-planned_close_date' ? 'descending' : 'none'}>
                <button type="button" class="th-sort" onClick={nextSort} title={t('inquiries.sortByClose')}>
                  {t('field.planned_close_date')}
                  {sortMark}
                </button>
              </th>
              <th>{t('field.handler')}</th>
              <th class="num">{t('field.value')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.id}>
                <td class="card-name">
                  <a href={`/inquiries/${i.id}`}>{i.title}</a>
                </td>
                <td>
                  <ClientLink id={i.contact_id} c={i.contact} />
                </td>
                <td>
                  <StatusBadge id={i.status_id} />
                </td>
                <td data-label={t('field.planned_close_date')}>{fmtDate(i.planned_close_date) || null}</td>
                <td class="card-extra">{userName(i.handler_id)}</td>
                <td class="num card-extra">{fmtMoney(i.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!loading && items.length === 0 && <p class="muted empty">{t('inquiries.none')}</p>}
      <div class="list-foot">
        {loading && <span class="muted">{t('common.loading')}</span>}
        {!loading && cursor && (
          <LoadMore onMore={() => load(true)} />
        )}
      </div>
      {creating && <NewInquiry onClose={() => setCreating(false)} />}
    </section>
  );
}

interface Column {
  status: Status;
  count: number;
  count_capped?: boolean;
  value: number | null;
  cards: Inquiry[];
  next_cursor: string | null;
}

function LostDialog(p: { onClose: () => void; onPick: (reason: number) => void }) {
  const [reason, setReason] = useState('');
  const [err, setErr] = useState('');
  return (
    <Modal title={t('inquiries.lostTitle')} onClose={p.onClose} labelId="lost-title">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!reason) return setErr(t('err.required'));
          p.onPick(+reason);
        }}
      >
        <SelectField
          label={t('finish.reason')}
          value={reason}
          onChange={setReason}
          required
          empty="—"
          options={closeReasons('inquiries').map((r) => [String(r.id), tn(r)])}
          error={err}
        />
        <FormActions label={t('outcome.lost')} onCancel={p.onClose} />
      </form>
    </Modal>
  );
}

/* What a board card shows and needs to move (the rest comes with the PATCH's reply). */
const CARD_FIELDS = 'title,value,planned_close_date,handler_id,status_id,contact_id';

export function BoardPage() {
  const [cols, setCols] = useState<Column[] | null>(null);
  const [mine, setMine] = useState(false);
  const [creating, setCreating] = useState(false);
  const [dragId, setDragId] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const [lost, setLost] = useState<{ card: Inquiry; to: Status } | null>(null);

  const load = async () => {
    try {
      const r = await api.get<{ columns: Column[] }>('/api/inquiries/board', {
        cards: 30,
        fields: CARD_FIELDS,
        handler_id: mine ? me().id : null,
      });
      setCols(r.columns);
    } catch (e) {
      showError(e);
    }
  };
  useEffect(() => {
    load();
  }, [mine]);

  const more = async (ci: number) => {
    if (!cols) return;
    const c = cols[ci];
    try {
      const page = await api.get<Page<Inquiry>>('/api/inquiries', {
        status_id: c.status.id,
        sort: '-id', // the board's order: its next_cursor is a position in it
        limit: 30,
        fields: CARD_FIELDS,
        cursor: c.next_cursor,
        handler_id: mine ? me().id : null,
      });
      setCols(cols.map((x, i) => (i === ci ? { ...x, cards: [...x.cards, ...page.items], next_cursor: page.next_cursor } : x)));
    } catch (e) {
      showError(e);
    }
  };

  const move = async (card: Inquiry, to: Status, reason?: number) => {
    if (!cols || card.status_id === to.id) return;
    if (to.outcome === 'lost' && !reason) {
      setLost({ card, to });
      return;
    }
    const before = cols;
    // optimistic: move the card now (its count and value too), undo if the server says no
    const v = card.value ?? 0;
    setCols(
      cols.map((c) => {
        if (c.status.id === card.status_id)
          return { ...c, count: c.count - 1, value: (c.value ?? 0) - v, cards: c.cards.filter((x) => x.id !== card.id) };
        if (c.status.id === to.id) return { ...c, count: c.count + 1, value: (c.value ?? 0) + v, cards: [{ ...card, status_id: to.id }, ...c.cards] };
        return c;
      }),
    );
    try {
      const body: Record<string, unknown> = { status_id: to.id, version: card.version };
      if (reason) body.close_reason_id = reason;
      const r = await api.patch<Inquiry>(`/api/inquiries/${card.id}`, body);
      setCols((cs) => cs && cs.map((c) => ({ ...c, cards: c.cards.map((x) => (x.id === r.id ? r : x)) })));
      toast(t('inquiries.moved', { title: card.title, status: tn(to) }), 'success');
      setTimeout(() => document.querySelector<HTMLElement>(`[data-card="${card.id}"]`)?.focus(), 0);
    } catch (e) {
      setCols(before);
      showError(e, { reload: load });
    }
  };

  /* keyMove: an arrow key is easily pressed once too often: closing an
   * inquiry (won) asks first; lost asks for its reason anyway. */
  const keyMove = async (card: Inquiry, to: Status) => {
    if (to.closed && to.outcome !== 'lost') {
      const ok = await confirmDialog(t('board.confirmClose', { title: card.title, status: tn(to) }), t('board.close'));
      if (!ok) return setTimeout(() => document.querySelector<HTMLElement>(`[data-card="${card.id}"]`)?.focus(), 0);
    }
    move(card, to);
  };

  const onKey = (e: KeyboardEvent, card: Inquiry, ci: number) => {
    if (!cols) return;
    if (e.key === 'ArrowRight' && ci < cols.length - 1) {
      e.preventDefault();
      keyMove(card, cols[ci + 1].status);
    } else if (e.key === 'ArrowLeft' && ci > 0) {
      e.preventDefault();
      keyMove(card, cols[ci - 1].status);
    } else if (e.key === 'Enter') {
      navigate(`/inquiries/${card.id}`);
    }
  };

  return (
    <section class="page page-wide">
      <div class="page-head">
        <h1>{t('inquiries.title')}</h1>
        <div class="page-actions">
          <CheckField label={t('inquiries.mine')} checked={mine} onChange={setMine} />
          <button type="button" class="btn btn-primary" onClick={() => setCreating(true)}>
            + {t('inquiries.new')}
          </button>
        </div>
      </div>
      <InquiryTabs on="board" />
      <p class="hint">{t('board.hint')}</p>
      {!cols && <p class="muted">{t('common.loading')}</p>}
      {cols && (
        <div class="board" style={{ '--n': cols.length }}>
          {cols.map((c, ci) => (
            <section
              key={c.status.id}
              class={'board-col' + (over === c.status.id ? ' drop' : '')}
              aria-label={tn(c.status)}
              data-status={c.status.id}
              onDragOver={(e) => {
                e.preventDefault();
                setOver(c.status.id);
              }}
              onDragLeave={() => setOver((o) => (o === c.status.id ? null : o))}
              onDrop={(e) => {
                e.preventDefault();
                setOver(null);
                const id = Number(e.dataTransfer?.getData('text/plain') || dragId);
                const card = cols.flatMap((x) => x.cards).find((x) => x.id === id);
                if (card) move(card, c.status);
              }}
            >
              <h2 class="board-head" style={{ borderTopColor: c.status.background ?? undefined }}>
                <span class="badge" style={{ color: c.status.color ?? undefined, background: c.status.background ?? undefined }}>
                  {tn(c.status)}
                </span>
                <span class="count">{c.count_capped ? `${c.count}+` : c.count}</span>
                {c.value != null && c.value > 0 && <span class="muted board-sum">{fmtMoney(c.value)}</span>}
              </h2>
              <ul class="board-cards">
                {c.cards.map((card) => (
                  <li
                    key={card.id}
                    class={'board-card' + (dragId === card.id ? ' dragging' : '')}
                    draggable
                    tabIndex={0}
                    data-card={card.id}
                    aria-label={card.title}
                    onDragStart={(e) => {
                      e.dataTransfer?.setData('text/plain', String(card.id));
                      setDragId(card.id);
                    }}
                    onDragEnd={() => setDragId(null)}
                    onKeyDown={(e) => onKey(e, card, ci)}
                  >
                    <a href={`/inquiries/${card.id}`} tabIndex={-1} draggable={false}>
                      {card.title}
                    </a>
                    {card.contact_id && (
                      <div class="card-client">
                        <ClientLink id={card.contact_id} c={card.contact} tabIndex={-1} />
                      </div>
                    )}
                    <div class="card-meta">
                      {card.value !== null && <span>{fmtMoney(card.value)}</span>}
                      {card.planned_close_date && <span>{fmtDate(card.planned_close_date)}</span>}
                      <span>{userName(card.handler_id)}</span>
                    </div>
                  </li>
                ))}
              </ul>
              {c.next_cursor && (
                <LoadMore onMore={() => more(ci)} small />
              )}
            </section>
          ))}
        </div>
      )}
      {creating && <NewInquiry onClose={() => setCreating(false)} />}
      {lost && (
        <LostDialog
          onClose={() => setLost(null)}
          onPick={(reason) => {
            const l = lost;
            setLost(null);
            move(l.card, l.to, reason);
          }}
        />
      )}
    </section>
  );
}

export function InquiryPage({ id }: { id: number }) {
  const [i, setI] = useState<Inquiry | null>(null);
  const [history, setHistory] = useState<(Change & { at: string })[]>([]);
  const [comment, setComment] = useState('');
  const [commentErr, setCommentErr] = useState<FormErrors>(noErrors);
  const [editing, setEditing] = useState(false);
  const [lostOpen, setLostOpen] = useState(false);
  const [failed, setFailed] = useState('');

  const load = async () => {
    try {
      const [r, h] = await Promise.all([
        api.get<Inquiry>(`/api/inquiries/${id}`),
        api.get<Page<Change & { at: string }>>(`/api/inquiries/${id}/history`, { limit: 100 }),
      ]);
      setI(r);
      setHistory(h.items);
    } catch (e) {
      if (i) showError(e);
      else setFailed(loadFailure(e));
    }
  };
  useEffect(() => {
    load();
  }, [id]);
  if (!i) return <Pending failed={failed} back="/inquiries" backLabel={t('inquiries.title')} />;

  const close = async (outcome: 'won' | 'lost' | 'open', reason?: number) => {
    try {
      const body: Record<string, unknown> = { outcome, version: i.version };
      if (reason) body.close_reason_id = reason;
      setI(await api.patch<Inquiry>(`/api/inquiries/${i.id}`, body));
      toast(t('common.saved'), 'success');
      load();
    } catch (e) {
      showError(e, { reload: load });
    }
  };

  const addComment = async (e: Event) => {
    e.preventDefault();
    setCommentErr(noErrors);
    try {
      await api.post(`/api/inquiries/${i.id}/comments`, { body: comment });
      setComment('');
      load();
    } catch (err) {
      showError(err, { setErrors: setCommentErr });
    }
  };

  const st = statusOf(i.status_id);
  return (
    <section class="page card">
      <nav class="crumbs" aria-label={t('nav.crumbs')}>
        <a href="/inquiries">{t('inquiries.title')}</a> · <a href="/inquiries/board">{t('inquiries.board')}</a>
      </nav>
      <div class="page-head">
        <h1>
          {i.title} <StatusBadge id={i.status_id} />
          {i.outcome !== 'open' && <span class={'badge outcome-' + i.outcome}>{t(('outcome.' + i.outcome) as Key)}</span>}
        </h1>
        <div class="page-actions">
          {!editing && (
            <button type="button" class="btn btn-primary" onClick={() => setEditing(true)}>
              {t('action.edit')}
            </button>
          )}
          {i.outcome === 'open' ? (
            <>
              <button type="button" class="btn btn-success" onClick={() => close('won')}>
                {t('inquiries.won')}
              </button>
              <button type="button" class="btn btn-danger" onClick={() => setLostOpen(true)}>
                {t('inquiries.lost')}
              </button>
            </>
          ) : (
            <button type="button" class="btn" onClick={() => close('open')}>
              {t('inquiries.reopen')}
            </button>
          )}
        </div>
      </div>
      <div class="card-grid">
        <div>
          <section class="panel" aria-labelledby="det-title">
            <h2 id="det-title">{t('card.details')}</h2>
            {!editing && i.description && <p class="note-body inq-description">{i.description}</p>}
            {editing ? (
              <InquiryForm
                rec={i}
                onCancel={() => setEditing(false)}
                onReload={() => {
                  setEditing(false);
                  load();
                }}
                onSaved={(r) => {
                  setI(r);
                  setEditing(false);
                  toast(t('common.saved'), 'success');
                  load();
                }}
              />
            ) : (
              <dl class="details">
                {(
                  [
                    [t('field.client'), <ClientLink id={i.contact_id} c={i.contact} />],
                    [t('field.status'), st ? tn(st) : ''],
                    [t('field.planned_close_date'), fmtDate(i.planned_close_date)],
                    [t('field.value'), fmtMoney(i.value)],
                    [t('field.handler'), userName(i.handler_id)],
                    [t('field.visibility'), t(('visc.' + i.visibility) as Key)],
                    [t('finish.reason'), i.close_reason_id ? reasonName(i.close_reason_id) : ''],
                    [t('field.closed_at'), fmtDateTime(i.closed_at)],
                    ...customFieldsOf('inquiries').map((f): [string, string] => [
                      f.label,
                      f.type === 'select'
                        ? selectOptions(f).find(([k]) => k === i.custom?.[f.name])?.[1] ?? ''
                        : i.custom?.[f.name] === null || i.custom?.[f.name] === undefined
                          ? ''
                          : String(i.custom[f.name]),
                    ]),
                  ] as [string, preact.ComponentChildren][]
                )
                  .filter(([, v]) => v !== '')
                  .map(([k, v]) => (
                    <div class="detail" key={k}>
                      <dt>{k}</dt>
                      <dd>{v}</dd>
                    </div>
                  ))}
              </dl>
            )}
          </section>
          {!editing && <InquiryWork inquiry={i} />}
          <Attachments entity="inquiries" id={i.id} />
        </div>
        <section class="panel" aria-labelledby="hist-title">
          <h2 id="hist-title">{t('inquiries.history')}</h2>
          <form class="note-form" onSubmit={addComment}>
            <TextArea label={t('inquiries.comment')} value={comment} onInput={setComment} rows={2} error={commentErr.fields.body} />
            <FormError text={commentErr.form} />
            <div class="form-actions">
              <button type="submit" class="btn btn-primary" disabled={!comment.trim()}>
                {t('inquiries.addComment')}
              </button>
            </div>
          </form>
          <ol class="tl-list">
            {history.map((h) => (
              <li key={h.id} class="tl-item tl-change">
                <time class="tl-at" dateTime={h.at}>
                  {fmtDateTime(h.at)}
                </time>
                <div class="tl-body">
                  <ChangeText c={h} entity="inquiries" />
                </div>
              </li>
            ))}
          </ol>
        </section>
      </div>
      {lostOpen && (
        <LostDialog
          onClose={() => setLostOpen(false)}
          onPick={(r) => {
            setLostOpen(false);
            close('lost', r);
          }}
        />
      )}
    </section>
  );
}

/* InquiryWork: the inquiry's activities and tasks, open ones first (the
 * soonest first), then the done and cancelled (the latest first); a new one is
 * linked to the inquiry and its client. */
function InquiryWork({ inquiry }: { inquiry: Inquiry }) {
  const [open, setOpen] = useState<Activity[]>([]);
  const [done, setDone] = useState<Activity[]>([]);
  const [doneCursor, setDoneCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [edit, setEdit] = useState<{ id?: number; kind?: ActivityKind } | null>(null);

  const load = async (more = false) => {
    try {
      const q = { inquiry_id: inquiry.id, limit: 50 };
      if (more && doneCursor) {
        const d = await api.get<Page<Activity>>('/api/activities', { ...q, sort: '-starts_at', cursor: doneCursor });
        setDone((x) => [...x, ...d.items.filter((it) => it.status !== 'planned')]);
        setDoneCursor(d.next_cursor);
        return;
      }
      const [o, d] = await Promise.all([
        api.get<Page<Activity>>('/api/activities', { ...q, status: 'planned', sort: 'starts_at', limit: 200 }),
        api.get<Page<Activity>>('/api/activities', { ...q, sort: '-starts_at' }),
      ]);
      setOpen(o.items);
      setDone(d.items.filter((it) => it.status !== 'planned'));
      setDoneCursor(d.next_cursor);
    } catch (e) {
      showError(e);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    load();
  }, [inquiry.id]);

  const toggle = async (a: Activity) => {
    if (await toggleDone(a)) load();
  };
  const items = [...open, ...done];
  return (
    <section class="panel" aria-labelledby="work-title">
      <h2 id="work-title">{t('inquiries.work')}</h2>
      <div class="add-bar" role="group" aria-label={t('inquiries.workAdd')}>
        {KINDS.map((k) => (
          <button key={k} type="button" class="btn btn-small" onClick={() => setEdit({ kind: k })}>
            + {kindLabel(k)}
          </button>
        ))}
      </div>
      {items.length > 0 && (
        <ul class="plain-list inq-work">
          {items.map((a) => (
            <li key={a.id}>
              <ActivityLine a={a} onOpen={() => setEdit({ id: a.id })} onToggle={() => toggle(a)} />
            </li>
          ))}
        </ul>
      )}
      {!loading && items.length === 0 && <p class="muted">{t('inquiries.workNone')}</p>}
      {!loading && doneCursor && <LoadMore onMore={() => load(true)} />}
      {edit && (
        <ActivityForm
          id={edit.id}
          initial={edit.id ? undefined : { kind: edit.kind, inquiry_id: inquiry.id, contact_id: inquiry.contact_id }}
          fixedContact={!!inquiry.contact_id}
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
