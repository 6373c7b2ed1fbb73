// mainnav.tsx: the main menu: a row of sections, some gathered in groups
// (Sprzedaż ▾, Biuro ▾) that open on click or keyboard (disclosure buttons:
// aria-expanded, arrows move, Escape closes).  The current place is always
// marked, on the group's button too; on a phone the row becomes a "Menu"
// button beside the name of the current place, opening a panel.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t, type Key } from '../i18n';
import { OFFICE_NAV } from '../office';
import { isAdmin } from '../store';

export interface NavLink {
  href: string;
  key: Key;
  admin?: boolean;
}
export interface NavGroup {
  id: string;
  key: Key;
  items: NavLink[];
}
type Entry = NavLink | NavGroup;

/* The menu; future sections (reservations, invoices, reports) slot in here. */
export const NAV: Entry[] = [
  { href: '/', key: 'nav.start' },
  { href: '/clients', key: 'nav.clients' },
  { href: '/activities', key: 'nav.activities' },
  { href: '/calendar', key: 'nav.calendar' },
  {
    id: 'sales',
    key: 'nav.sales',
    items: [
      { href: '/inquiries', key: 'nav.inquiries' },
      { href: '/inquiries/board', key: 'nav.board' },
    ],
  },
  { id: 'office', key: 'nav.office', items: OFFICE_NAV.map(([href, key, admin]) => ({ href, key, admin })) },
  { href: '/settings', key: 'nav.settings', admin: true },
];

/* Pages reached from a section that have no entry of their own. */
const ALIASES: [string, string][] = [
  ['/duplicates', '/clients'],
  ['/companies', '/clients'],
];

const isGroup = (e: Entry): e is NavGroup => 'items' in e;

/* currentHref: the entry the path belongs to (the longest matching prefix). */
export function currentHref(path: string): string | null {
  for (const [from, to] of ALIASES) if (path === from || path.startsWith(from + '/')) path = to;
  let best: string | null = null;
  for (const e of NAV)
    for (const l of isGroup(e) ? e.items : [e]) {
      const hit = l.href === '/' ? path === '/' : path === l.href || path.startsWith(l.href + '/');
      if (hit && (!best || l.href.length > best.length)) best = l.href;
    }
  return best;
}

const visible = (l: NavLink) => !l.admin || isAdmin();

export function MainNav({ path }: { path: string }) {
  const here = currentHref(path);
  const [open, setOpen] = useState<string | null>(null); // the open group
  const [panel, setPanel] = useState(false); // the phone panel
  const ref = useRef<HTMLElement>(null);

  useEffect(() => {
    setOpen(null);
    setPanel(false);
  }, [path]);

  useEffect(() => {
    if (!open && !panel) return;
    const away = (e: Event) => {
      if (ref.current && !ref.current.contains(e.target as Node)) {
        setOpen(null);
        setPanel(false);
      }
    };
    document.addEventListener('pointerdown', away);
    return () => document.removeEventListener('pointerdown', away);
  }, [open, panel]);

  const entries = NAV.map((e) => (isGroup(e) ? { ...e, items: e.items.filter(visible) } : e)).filter((e) =>
    isGroup(e) ? e.items.length > 0 : visible(e),
  );
  const hereGroup = entries.find((e): e is NavGroup => isGroup(e) && e.items.some((l) => l.href === here));
  const hereLink = entries.flatMap((e) => (isGroup(e) ? e.items : [e])).find((l) => l.href === here);

  const links = (g: string) => Array.from(ref.current?.querySelectorAll<HTMLAnchorElement>(`#nav-${g} a`) ?? []);
  const button = (g: string) => ref.current?.querySelector<HTMLButtonElement>(`[aria-controls="nav-${g}"]`);

  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    if (open) {
      const g = open;
      setOpen(null);
      button(g)?.focus();
      e.stopPropagation();
    } else if (panel) {
      setPanel(false);
      ref.current?.querySelector<HTMLButtonElement>('.nav-toggle')?.focus();
      e.stopPropagation();
    }
  };

  const onGroupKey = (g: string) => (e: KeyboardEvent) => {
    const list = links(g);
    const at = list.indexOf(document.activeElement as HTMLAnchorElement);
    let to = -1;
    if (e.key === 'ArrowDown') to = at < 0 ? 0 : (at + 1) % list.length;
    else if (e.key === 'ArrowUp') to = at < 0 ? list.length - 1 : (at - 1 + list.length) % list.length;
    else if (e.key === 'Home' && at >= 0) to = 0;
    else if (e.key === 'End' && at >= 0) to = list.length - 1;
    else return;
    e.preventDefault();
    if (open !== g) {
      setOpen(g);
      // the list is shown on the next render
      requestAnimationFrame(() => links(g)[to]?.focus());
    } else list[to]?.focus();
  };

  const link = (l: NavLink) => (
    <li key={l.href}>
      <a
        href={l.href}
        aria-current={l.href === here ? 'page' : undefined}
        onClick={() => {
          // the current page's own link does not change the path: close here
          setOpen(null);
          setPanel(false);
        }}
      >
        {t(l.key)}
      </a>
    </li>
  );

  return (
    <nav
      ref={ref}
      class={'mainnav' + (panel ? ' panel-open' : '')}
      aria-label={t('nav.main')}
      onKeyDown={onKey}
      onFocusOut={(e) => {
        // Tab past a group's last entry closes it
        const to = e.relatedTarget as Node | null;
        if (open && to && !ref.current?.querySelector(`[data-group="${open}"]`)?.contains(to)) setOpen(null);
      }}
    >
      <div class="nav-bar">
        <button type="button" class="nav-toggle" aria-expanded={panel} aria-controls="nav-list" onClick={() => setPanel(!panel)}>
          <span aria-hidden="true">☰</span> {t('nav.menu')}
        </button>
        {hereLink && (
          <span class="nav-here">
            {hereGroup && <span class="nav-here-group">{t(hereGroup.key)} › </span>}
            {t(hereLink.key)}
          </span>
        )}
      </div>
      <ul id="nav-list" class="nav-list">
        {entries.map((e) =>
          isGroup(e) ? (
            <li key={e.id} class="nav-group" data-group={e.id} onKeyDown={onGroupKey(e.id)}>
              <button
                type="button"
                class={'nav-group-btn' + (hereGroup === e ? ' here' : '')}
                aria-expanded={open === e.id}
                aria-controls={'nav-' + e.id}
                onClick={() => setOpen(open === e.id ? null : e.id)}
              >
                {t(e.key)}
                {hereGroup === e && hereLink && <span class="nav-group-here"> · {t(hereLink.key)}</span>}
                <span class="nav-caret" aria-hidden="true">
                  ▾
                </span>
              </button>
              <span class="nav-group-label">
                {t(e.key)}
              </span>
              <ul id={'nav-' + e.id} class={'nav-sub' + (open === e.id ? ' open' : '')}>
                {e.items.map(link)}
              </ul>
            </li>
          ) : (
            link(e)
          ),
        )}
      </ul>
    </nav>
  );
}
