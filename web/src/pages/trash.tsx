// trash.tsx: the trash ("Kosz"): deleted records, one tab per kind the
// caller may restore (the entity's write role in src/crm/entities.c;
// announcements: only their author or an admin), the last deleted first,
// searched (q=) where the API searches that kind, paged by cursor.
// "Przywróć" restores one (POST /api/<entity>/{id}/restore) and takes it
// off the list.  A deleted record has no page of its own to link to; the
// toast after a restore opens it.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Page } from '../api';
import { fmtDateTime, fmtPhone } from '../fmt';
import { t, type Key } from '../i18n';
import { clientLabel, contactName, userName } from '../names';
import type { Role } from '../officeTypes';
import { navigate, useLocation } from '../router';
import { isAdmin, me, toast } from '../store';
import type { LinkedClient, Rec } from '../types';
import { showError } from '../ui/errors';
import { TextField } from '../ui/fields';
import { LoadMore, usePaged } from '../ui/loadMore';
import { revealX } from '../ui/reveal';
import '../styles/office.css';

/* A deleted record as the lists return it: the fields asked for. */
type Deleted = Rec & { deleted_at: string; [field: string]: unknown };

type Kind = 'contacts' | 'companies' | 'inquiries' | 'activities' | 'announcements' | 'kb_articles';

interface Spec {
  kind: Kind;
  role: Role; // the entity's write role: who may restore
  search: boolean; // the API searches this kind (announcements: no)
  fields?: string; // fields= (lists that decorate from the body take none)
  name: (r: Deleted) => string;
  meta?: (r: Deleted) => string;
  href?: (r: Deleted) => string; // where it lives once restored
  mayRestore?: (r: Deleted) => boolean;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const line = (...xs: string[]) => xs.filter(Boolean).join(' · ');
const STD = 'deleted_at,updated_by';

const SPECS: Spec[] = [
  {
    kind: 'contacts',
    role: 'agent',
    search: true,
    fields: 'first_name,last_name,city,phone,' + STD,
    name: (r) => contactName({ first_name: str(r.first_name), last_name: str(r.last_name) }),
    meta: (r) => line(str(r.city), fmtPhone(str(r.phone))),
    href: (r) => `/clients/${r.id}`,
  },
  {
    kind: 'companies',
    role: 'agent',
    search: true,
    fields: 'name,nip,city,' + STD,
    name: (r) => str(r.name),
    meta: (r) => line(r.nip ? `${t('field.nip')} ${str(r.nip)}` : '', str(r.city)),
    href: (r) => `/companies/${r.id}`,
  },
  {
    kind: 'inquiries',
    role: 'agent',
    search: true,
    fields: 'title,handler_id,' + STD,
    name: (r) => str(r.title),
    meta: (r) => (r.handler_id ? `${t('field.handler')}: ${userName(r.handler_id as number)}` : ''),
    href: (r) => `/inquiries/${r.id}`,
  },
  {
    kind: 'activities',
    role: 'agent',
    search: true,
    fields: 'kind,subject,starts_at,contact_id,' + STD,
    name: (r) => str(r.subject),
    meta: (r) => line(t(('kind.' + str(r.kind)) as Key), fmtDateTime(str(r.starts_at)), clientLabel(r.contact as LinkedClient | undefined)),
  },
  {
    kind: 'announcements',
    role: 'manager',
    search: false,
    name: (r) => str(r.title),
    meta: (r) => str(r.author_name),
    href: () => '/announcements',
    // The API lets a manager see what is addressed to them; only the
    // author or an admin may change (or delete) one, so restore too.
    mayRestore: (r) => isAdmin() || r.created_by === me().id,
  },
  {
    kind: 'kb_articles',
    role: 'manager',
    search: true,
    name: (r) => str(r.title),
    meta: (r) => (Array.isArray(r.tags) ? r.tags.map((x) => '#' + x).join(' ') : ''),
    href: (r) => `/kb/${r.id}`,
    // As for announcements: a manager restores only their own articles.
    mayRestore: (r) => isAdmin() || r.created_by === me().id,
  },
];

const RANK: Record<Role, number> = { agent: 1, manager: 2, admin: 3 };

/* kindsFor: the kinds the caller may restore. */
function kindsFor(role: Role): Spec[] {
  return SPECS.filter((s) => RANK[role] >= RANK[s.role]);
}

export function TrashPage() {
  const { query } = useLocation();
  const kinds = kindsFor(me().role);
  const spec = kinds.find((s) => s.kind === query.get('kind')) ?? kinds[0];
  const tabsRef = useRef<HTMLDivElement>(null);
  // On a narrow screen the tabs scroll sideways: keep the chosen one in sight.
  useEffect(() => revealX(tabsRef.current?.querySelector('[aria-selected="true"]')), [spec.kind]);
  return (
    <section class="page trash">
      <div class="page-head">
        <div>
          <h1>{t('trash.title')}</h1>
          <p class="muted page-intro">{t('trash.intro')}</p>
        </div>
      </div>
      <div class="tabs" role="tablist" aria-label={t('trash.kinds')} ref={tabsRef}>
        {kinds.map((s) => (
          <a key={s.kind} role="tab" href={'/trash?kind=' + s.kind} aria-selected={s === spec} class={s === spec ? 'on' : ''}>
            {t(('trash.kind.' + s.kind) as Key)}
          </a>
        ))}
      </div>
      <TrashList key={spec.kind} spec={spec} />
    </section>
  );
}

function TrashList({ spec }: { spec: Spec }) {
  const [q, setQ] = useState('');
  const [restoring, setRestoring] = useState<number | null>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const searched = spec.search ? q.trim() : '';
  const list = usePaged<Deleted>(
    (cursor) =>
      api.get<Page<Deleted>>(`/api/${spec.kind}`, { trash: 1, q: searched, sort: '-deleted_at', fields: spec.fields, limit: 25, cursor }),
    [searched],
    250,
  );
  const items = list.items;

  const nameOf = (r: Deleted) => spec.name(r) || t('trash.untitled');

  /* drop: takes a row off and keeps the keyboard where it was (the next
   * row's button, else the previous one's, else the search box or the tab). */
  const drop = (r: Deleted) => {
    const buttons = Array.from(listRef.current?.querySelectorAll<HTMLButtonElement>('.trash-item button') ?? []);
    const at = buttons.findIndex((b) => b.dataset.id === String(r.id));
    const next = buttons[at + 1] ?? buttons[at - 1];
    list.setItems((xs) => xs.filter((x) => x.id !== r.id));
    requestAnimationFrame(() => (next?.isConnected ? next : document.querySelector<HTMLElement>('.trash-search input, .trash .tabs a.on'))?.focus());
  };

  const restore = async (r: Deleted) => {
    if (restoring !== null) return;
    setRestoring(r.id);
    const name = nameOf(r);
    try {
      await api.post(`/api/${spec.kind}/${r.id}/restore`);
      drop(r);
      const href = spec.href?.(r);
      toast(t('trash.restored', { name }), 'success', href ? { label: t('trash.open'), run: () => navigate(href) } : undefined);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        // restored by someone else meanwhile (or no longer visible to me)
        drop(r);
        toast(t('trash.gone', { name }), 'info');
      } else {
        showError(e);
      }
    } finally {
      setRestoring(null);
    }
  };

  return (
    <>
      {spec.search && (
        <div class="trash-search" role="search">
          <TextField label={t('trash.search')} type="search" autoComplete="off" value={q} onInput={setQ} hint={t('trash.searchHint')} />
        </div>
      )}
      {items === null && <p class="muted">{t('common.loading')}</p>}
      {items && items.length === 0 && !list.loading && (
        <p class="muted empty">{searched ? t('trash.noHits', { q: searched }) : t(('trash.empty.' + spec.kind) as Key)}</p>
      )}
      {items && items.length > 0 && (
        <ul class="trash-list" ref={listRef} aria-busy={list.loading} aria-label={t(('trash.kind.' + spec.kind) as Key)}>
          {items.map((r) => {
            const name = nameOf(r);
            const by = userName(r.updated_by);
            const meta = spec.meta?.(r);
            return (
              <li key={r.id} class="trash-item">
                <div class="trash-main">
                  <span class="trash-name">{name}</span>
                  {meta && <span class="trash-meta">{meta}</span>}
                  <span class="muted trash-when">
                    {t('trash.deleted', { at: fmtDateTime(r.deleted_at) })}
                    {by && ' ' + t('trash.by', { name: by })}
                  </span>
                </div>
                {!spec.mayRestore || spec.mayRestore(r) ? (
                  <button
                    type="button"
                    class="btn btn-small"
                    data-id={r.id}
                    aria-label={t('trash.restoreNamed', { name })}
                    disabled={restoring === r.id}
                    onClick={() => restore(r)}
                  >
                    {t('action.restore')}
                  </button>
                ) : (
                  <span class="muted trash-note">{t('trash.authorOnly')}</span>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {list.cursor && !list.loading && (
        <div class="list-foot">
          <LoadMore onMore={list.more} />
        </div>
      )}
    </>
  );
}
