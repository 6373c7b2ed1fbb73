// home.tsx: the start screen: the reminders panel (overdue in orange until
// done; today, tomorrow, the day after) with one-click done (undone from
// its toast, "Cofnij"), and my open inquiries.
import { useEffect, useState } from 'preact/hooks';
import { api, type Page } from '../api';
import { t, tn, type Key } from '../i18n';
import { fmtDate, fmtDateTime, fmtMoney, fmtPhone, fmtTime } from '../fmt';
import { actionTypeOf, clientLabel, statusOf } from '../names';
import { me } from '../store';
import type { Activity, Inquiry, Reminders } from '../types';
import { ActivityForm, kindLabel, toggleDone } from '../ui/activityForm';
import { showError } from '../ui/errors';

/* What the panel shows of an activity (the rest is fetched on opening it). */
const REMINDER_FIELDS = 'kind,action_type_id,subject,status,starts_at,contact_id';
const REMINDER_INQUIRY_FIELDS = 'title,planned_close_date,contact_id';

const GROUPS: (keyof Reminders)[] = ['overdue', 'today', 'tomorrow', 'day_after'];
/* More overdue items than this are folded, so that today's stay in view. */
const OVERDUE_FOLD = 3;

export function KindBadge({ a }: { a: Pick<Activity, 'kind' | 'action_type_id'> }) {
  const at = actionTypeOf(a);
  return (
    <span class="kind-badge" style={at ? { color: at.color ?? undefined, background: at.background ?? undefined } : undefined}>
      {at?.short_name || kindLabel(a.kind)}
    </span>
  );
}

export function StatusBadge({ id }: { id: number | null }) {
  const s = statusOf(id);
  if (!s) return null;
  return (
    <span class="badge" style={{ color: s.color ?? undefined, background: s.background ?? undefined }}>
      {tn(s)}
    </span>
  );
}

function ReminderRow(p: { a: Activity; group: keyof Reminders; onDone: () => void; onOpen: () => void }) {
  const { a } = p;
  if (a.type === 'inquiry') {
    const i = a as unknown as Inquiry;
    return (
      <li class={'reminder' + (p.group === 'overdue' ? ' overdue' : '')}>
        <span class="reminder-time">{fmtDate(i.planned_close_date)}</span>
        <span class="kind-badge kind-inquiry">{t('home.inquiry')}</span>
        <span class="reminder-main">
          <a href={`/inquiries/${i.id}`}>{i.title}</a>
          {i.contact && <span class="muted"> · {clientLabel(i.contact)}</span>}
        </span>
      </li>
    );
  }
  return (
    <li class={'reminder' + (p.group === 'overdue' ? ' overdue' : '')}>
      <span class="reminder-time">{p.group === 'overdue' ? fmtDateTime(a.starts_at) : fmtTime(a.starts_at)}</span>
      <KindBadge a={a} />
      <span class="reminder-main">
        <button type="button" class="linklike" onClick={p.onOpen}>
          {a.subject}
        </button>
        {a.contact_id && (
          <span class="muted">
            {' · '}
            {a.contact?.hidden ? (
              clientLabel(a.contact)
            ) : (
              <a href={`/clients/${a.contact_id}`}>{a.contact?.name}</a>
            )}
            {a.contact?.phone && (
              <>
                {' · '}
                <a href={'tel:' + a.contact.phone}>{fmtPhone(a.contact.phone)}</a>
              </>
            )}
          </span>
        )}
      </span>
      <button type="button" class="btn btn-small btn-done" onClick={p.onDone} aria-label={t('action.markDoneNamed', { s: a.subject })}>
        ✓ {t('action.done')}
      </button>
    </li>
  );
}

export function HomePage() {
  const [rem, setRem] = useState<Reminders | null>(null);
  const [inqs, setInqs] = useState<Inquiry[] | null>(null);
  const [edit, setEdit] = useState<{ id?: number; initial?: Partial<Activity> } | null>(null);
  const [allOverdue, setAllOverdue] = useState(false);

  const load = async () => {
    try {
      const [r, i] = await Promise.all([
        api.get<Reminders>('/api/reminders', { fields: REMINDER_FIELDS, inquiry_fields: REMINDER_INQUIRY_FIELDS }),
        api.get<Page<Inquiry>>('/api/inquiries', { handler_id: me().id, outcome: 'open', limit: 10 }),
      ]);
      setRem(r);
      setInqs(i.items);
    } catch (e) {
      showError(e);
    }
  };
  useEffect(() => {
    load();
  }, []);

  const isIt = (a: Activity) => (x: Activity) => x.type !== 'inquiry' && x.id === a.id;
  /* without / putBack: the panel without the activity, or with it again
   * where it was; the counts follow at once, before the server answers. */
  const without = (a: Activity) =>
    setRem((cur) => {
      if (!cur) return cur;
      const next = { ...cur };
      for (const g of GROUPS) next[g] = next[g].filter((x) => !isIt(a)(x));
      return next;
    });
  const putBack = (a: Activity, g: keyof Reminders, i: number) =>
    setRem((cur) => {
      if (!cur || GROUPS.some((k) => cur[k].some(isIt(a)))) return cur;
      const list = [...cur[g]];
      list.splice(Math.min(i, list.length), 0, a);
      return { ...cur, [g]: list };
    });

  const done = async (a: Activity) => {
    const g = GROUPS.find((k) => rem?.[k].some(isIt(a)));
    if (!g || !rem) return;
    const i = rem[g].findIndex(isIt(a));
    without(a);
    const r = await toggleDone(a, async (d) => {
      putBack(a, g, i); // "Cofnij": back in its place now
      const back = await toggleDone({ ...a, ...d });
      if (!back) return without(a);
      const fresh = { ...a, version: back.version }; // the next ✓ needs it
      setRem((cur) => cur && { ...cur, [g]: cur[g].map((x) => (isIt(a)(x) ? fresh : x)) });
    });
    if (!r) putBack(a, g, i);
  };

  const total = rem ? GROUPS.reduce((n, g) => n + rem[g].length, 0) : 0;
  return (
    <section class="page home">
      <div class="page-head">
        <h1>{t('home.title', { name: me().name || me().login })}</h1>
        <div class="page-actions">
          <button type="button" class="btn btn-primary" onClick={() => setEdit({ initial: { kind: 'task' } })}>
            + {t('activity.new.task')}
          </button>
          <a class="btn" href="/clients?new=1">
            + {t('clients.new')}
          </a>
        </div>
      </div>
      <div class="home-grid">
        <section class="panel reminders" aria-labelledby="rem-title">
          <h2 id="rem-title">{t('home.reminders')}</h2>
          {!rem && <p class="muted">{t('common.loading')}</p>}
          {rem && total === 0 && <p class="muted">{t('home.nothing')}</p>}
          {rem &&
            GROUPS.filter((g) => rem[g].length > 0).map((g) => (
              <div key={g} class={'rem-group rem-' + g}>
                <h3>
                  {t(('home.' + g) as Key)} <span class="count">{rem[g].length}</span>
                </h3>
                <ul class="reminder-list" id={'rem-list-' + g}>
                  {(g === 'overdue' && !allOverdue ? rem[g].slice(0, OVERDUE_FOLD) : rem[g]).map((a) => (
                    <ReminderRow
                      key={(a.type ?? 'activity') + a.id}
                      a={a}
                      group={g}
                      onDone={() => done(a)}
                      onOpen={() => setEdit({ id: a.id })}
                    />
                  ))}
                </ul>
                {g === 'overdue' && rem[g].length > OVERDUE_FOLD && (
                  <button
                    type="button"
                    class="btn btn-small rem-fold"
                    aria-expanded={allOverdue}
                    aria-controls="rem-list-overdue"
                    onClick={() => setAllOverdue((x) => !x)}
                  >
                    {allOverdue ? t('home.overdueFold') : t('home.overdueAll', { n: rem[g].length })}
                  </button>
                )}
              </div>
            ))}
        </section>
        <section class="panel" aria-labelledby="inq-title">
          <h2 id="inq-title">{t('home.myInquiries')}</h2>
          {!inqs && <p class="muted">{t('common.loading')}</p>}
          {inqs && inqs.length === 0 && <p class="muted">{t('home.noInquiries')}</p>}
          {inqs && inqs.length > 0 && (
            <ul class="plain-list">
              {inqs.map((i) => (
                <li key={i.id} class="inq-row">
                  <a href={`/inquiries/${i.id}`}>{i.title}</a>
                  <span class="inq-meta">
                    <StatusBadge id={i.status_id} />
                    {i.value !== null && <span class="muted">{fmtMoney(i.value)}</span>}
                    {i.planned_close_date && <span class="muted">{fmtDate(i.planned_close_date)}</span>}
                  </span>
                </li>
              ))}
            </ul>
          )}
          <p>
            <a href="/inquiries/board">{t('inquiries.board')} →</a>
          </p>
        </section>
      </div>
      {edit && (
        <ActivityForm
          id={edit.id}
          initial={edit.initial}
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
