// activities.tsx: my tasks: open and assigned to me by default (both
// filters removable), tick done and untick, a main task's subtasks with
// the progress that rolls up from them.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Page, type Query } from '../api';
import { fmtDateTime } from '../fmt';
import { t, type Key } from '../i18n';
import { userName } from '../names';
import { replaceQuery, routeEpoch, useLocation } from '../router';
import { me } from '../store';
import type { Activity } from '../types';
import { ActivityForm, KINDS, kindLabel, toggleDone } from '../ui/activityForm';
import { ClientLink } from '../ui/clientLink';
import { showError } from '../ui/errors';
import { CheckField, SelectField, TextField } from '../ui/fields';
import { ExportMenu } from '../ui/transfer';
import { KindBadge } from './home';
import { LoadMore } from '../ui/loadMore';
import { FilterBar, ListCount } from '../ui/listBits';

function Progress({ pct }: { pct: number }) {
  return (
    <span class="progress" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100} aria-label={t('field.percent_done')}>
      <span class="progress-bar" style={{ width: pct + '%' }} />
      <span class="progress-text">{pct}%</span>
    </span>
  );
}

function Row(p: { a: Activity; onChange: (a: Activity) => void; onOpen: (id: number) => void; onSub: (parent: number) => void; depth?: number }) {
  const { a } = p;
  const [subs, setSubs] = useState<Activity[] | null>(null);
  const overdue = a.status === 'planned' && a.starts_at && Date.parse(a.starts_at) < Date.now();
  const loadSubs = async () => {
    try {
      const r = await api.get<{ main: Activity; subtasks: Activity[] }>(`/api/activities/${a.id}/thread`);
      setSubs(r.subtasks);
      p.onChange(r.main);
    } catch (e) {
      showError(e);
    }
  };
  const toggle = async () => {
    const r = await toggleDone(a);
    if (r) p.onChange(r);
  };
  return (
    <li class={'task' + (a.status === 'done' ? ' is-done' : '') + (overdue ? ' overdue' : '')} style={p.depth ? { marginLeft: p.depth * 24 + 'px' } : undefined}>
      <div class="task-row">
        <input
          type="checkbox"
          checked={a.status === 'done'}
          aria-label={t(a.status === 'done' ? 'action.markPlannedNamed' : 'action.markDoneNamed', { s: a.subject })}
          onChange={toggle}
        />
        <KindBadge a={a} />
        <button type="button" class="linklike task-subject" onClick={() => p.onOpen(a.id)}>
          {a.subject}
        </button>
        {a.priority === 'high' && <span class="badge badge-high">{t('priority.high')}</span>}
        <span class="muted task-when">{fmtDateTime(a.starts_at)}</span>
        <ClientLink class="task-client" id={a.contact_id} c={a.contact} />
        {a.assignee_id !== me().id && <span class="muted">{userName(a.assignee_id)}</span>}
        {a.kind === 'task' && <Progress pct={a.percent_done} />}
        {a.kind === 'task' && !a.parent_id && (
          <button type="button" class="btn btn-small" aria-expanded={subs !== null} onClick={() => (subs ? setSubs(null) : loadSubs())}>
            {t('tasks.subtasks')}
          </button>
        )}
      </div>
      {subs && (
        <ul class="task-list sub">
          {subs.map((s) => (
            <Row
              key={s.id}
              a={s}
              depth={1}
              onChange={() => loadSubs()}
              onOpen={p.onOpen}
              onSub={p.onSub}
            />
          ))}
          <li>
            <button type="button" class="btn btn-small" onClick={() => p.onSub(a.id)}>
              + {t('tasks.addSubtask')}
            </button>
          </li>
        </ul>
      )}
    </li>
  );
}

export function ActivitiesPage() {
  useLocation();
  // Back and Forward (a new epoch) start the list afresh from the address.
  return <TaskList key={routeEpoch()} />;
}

/* The filters live in the address (?q=&kind=&mine=0&open=0): a reload
 * and Back keep them. */
function TaskList() {
  const u = new URLSearchParams(location.search);
  const [mine, setMine] = useState(u.get('mine') !== '0');
  const [open, setOpen] = useState(u.get('open') !== '0');
  const [kind, setKind] = useState(u.get('kind') ?? '');
  const [q, setQ] = useState(u.get('q') ?? '');
  const [qd, setQd] = useState((u.get('q') ?? '').trim());
  const [count, setCount] = useState<number | null>(null);
  const [items, setItems] = useState<Activity[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [edit, setEdit] = useState<{ id?: number; initial?: Partial<Activity> } | null>(null);
  const seq = useRef(0);

  useEffect(() => {
    const h = setTimeout(() => setQd(q.trim()), 250);
    return () => clearTimeout(h);
  }, [q]);

  const load = async (more = false) => {
    const n = ++seq.current;
    setLoading(true);
    try {
      const page = await api.get<Page<Activity> & { count?: number }>('/api/activities', { ...listParams(), limit: 50, cursor: more ? cursor : null, count: more ? null : 1 });
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
  const listParams = (): Query => ({ sort: 'starts_at', q: qd, kind, assignee_id: mine ? me().id : null, open: open ? 1 : null });
  useEffect(() => {
    load();
    replaceQuery({ q: qd || null, kind: kind || null, mine: mine ? null : '0', open: open ? null : '0' });
  }, [mine, open, kind, qd]);

  const replace = (a: Activity) => setItems((xs) => xs.map((x) => (x.id === a.id ? a : x)));

  return (
    <section class="page">
      <div class="page-head">
        <h1>{t('tasks.title')}</h1>
        <div class="page-actions">
          <button type="button" class="btn btn-primary" onClick={() => setEdit({ initial: { kind: 'task' } })}>
            + {t('activity.new.task')}
          </button>
        </div>
      </div>
      <FilterBar search={<TextField class="grow" label={t('tasks.search')} type="search" value={q} onInput={setQ} />}>
        <SelectField label={t('field.kind')} value={kind} onChange={setKind} options={KINDS.map((k) => [k, kindLabel(k)])} empty={t('common.all')} />
        <CheckField label={t('tasks.mine')} checked={mine} onChange={setMine} />
        <CheckField label={t('tasks.open')} checked={open} onChange={setOpen} />
        <ExportMenu
          entity="activities"
          params={listParams()}
          columns={['subject', 'kind', 'starts_at', 'duration_min', 'status', 'priority', 'percent_done', 'assignee_id', 'contact_id']}
        />
      </FilterBar>
      <ListCount n={count} />
      <ul class="task-list">
        {items.map((a) => (
          <Row
            key={a.id}
            a={a}
            onChange={replace}
            onOpen={(id) => setEdit({ id })}
            onSub={(parent) => setEdit({ initial: { kind: 'task', parent_id: parent } })}
          />
        ))}
      </ul>
      {!loading && items.length === 0 && <p class="muted empty">{t('tasks.none')}</p>}
      <div class="list-foot">
        {loading && <span class="muted">{t('common.loading')}</span>}
        {!loading && cursor && (
          <LoadMore onMore={() => load(true)} />
        )}
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
      <p class="hint">{t(('tasks.hint') as Key)}</p>
    </section>
  );
}
