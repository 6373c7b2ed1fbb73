// search.tsx: the global search (Ctrl+K / Cmd+K) over clients, companies
// and inquiries: three small API searches as you type, arrows and Enter.
// Each kind shows its first SHOWN hits and, past them, "show all": the
// list of that kind searched for the same words.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Page } from '../api';
import { t } from '../i18n';
import { fmtPhone } from '../fmt';
import { clientLabel, contactName } from '../names';
import { navigate } from '../router';
import { createStore, useStore } from '../store';
import type { Company, Contact, Inquiry } from '../types';
import { Modal } from './dialogs';

const state = createStore({ open: false });

export function openSearch(): void {
  state.set({ open: true });
}

type Group = 'contacts' | 'companies' | 'inquiries';

interface Hit {
  href: string;
  label: string;
  sub: string;
  group: Group;
  more?: boolean; // the "show all" entry of its group
}

const SHOWN = 5;

/* The list of a kind, searched for q. */
function listHref(group: Group, q: string): string {
  const qs = new URLSearchParams({ q: q.trim() });
  if (group === 'contacts') return '/clients?' + qs;
  if (group === 'companies') return '/clients?tab=companies&' + qs;
  return '/inquiries?' + qs;
}

/* The first SHOWN hits, and "show all" when the API had one more. */
function capped(group: Group, q: string, hits: Hit[]): Hit[] {
  if (hits.length <= SHOWN) return hits;
  return [...hits.slice(0, SHOWN), { href: listHref(group, q), label: t('search.showAll'), sub: '', group, more: true }];
}

const line = (...parts: (string | null | undefined)[]) => parts.filter(Boolean).join(' · ');

export function SearchPalette() {
  const { open } = useStore(state);
  if (!open) return null;
  return <Palette onClose={() => state.set({ open: false })} />;
}

function Palette({ onClose }: { onClose: () => void }) {
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<Hit[]>([]);
  const [active, setActive] = useState(0);
  const [busy, setBusy] = useState(false);
  const seq = useRef(0);
  const timer = useRef(0);

  useEffect(() => {
    clearTimeout(timer.current);
    if (q.trim().length < 2) {
      setHits([]);
      return;
    }
    timer.current = window.setTimeout(async () => {
      const mine = ++seq.current;
      setBusy(true);
      const get = <T,>(path: string) => api.get<Page<T>>(path, { q, limit: SHOWN + 1 }).then((p) => p.items, () => [] as T[]);
      const [cs, cos, inqs] = await Promise.all([
        get<Contact>('/api/contacts'),
        get<Company>('/api/companies'),
        get<Inquiry>('/api/inquiries'),
      ]);
      if (mine !== seq.current) return;
      setBusy(false);
      setActive(0);
      setHits([
        ...capped('contacts', q, cs.map((c): Hit => ({ href: `/clients/${c.id}`, label: contactName(c), sub: line(fmtPhone(c.phone), c.city, c.email), group: 'contacts' }))),
        ...capped('companies', q, cos.map((c): Hit => ({ href: `/companies/${c.id}`, label: c.name, sub: line(fmtPhone(c.phone), c.city), group: 'companies' }))),
        ...capped('inquiries', q, inqs.map((i): Hit => ({ href: `/inquiries/${i.id}`, label: i.title, sub: clientLabel(i.contact), group: 'inquiries' }))),
      ]);
    }, 200);
  }, [q]);

  const go = (h: Hit | undefined) => {
    if (!h) return;
    onClose();
    navigate(h.href);
  };

  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => Math.min(a + 1, hits.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      go(hits[active]);
    }
  };

  let lastGroup = '';
  return (
    <Modal title={t('search.title')} onClose={onClose} labelId="search-title">
      <div class="field">
        <label for="global-search">{t('search.label')}</label>
        <input
          id="global-search"
          type="search"
          autoFocus
          autoComplete="off"
          role="combobox"
          aria-expanded={hits.length > 0}
          aria-controls="search-results"
          value={q}
          onInput={(e) => setQ((e.target as HTMLInputElement).value)}
          onKeyDown={onKey}
        />
      </div>
      <ul id="search-results" class="search-results" role="listbox" aria-label={t('search.results')}>
        {hits.map((h, i) => {
          const head = h.group !== lastGroup;
          lastGroup = h.group;
          return (
            <li key={h.href} role="option" aria-selected={i === active}>
              {head && <div class="search-group">{t(`search.group.${h.group}`)}</div>}
              <a href={h.href} class={(i === active ? 'active' : '') + (h.more ? ' search-more' : '')} onClick={(e) => (e.preventDefault(), go(h))}>
                <span>{h.label}</span>
                {h.sub && <span class="muted"> {h.sub}</span>}
              </a>
            </li>
          );
        })}
      </ul>
      {q.trim().length >= 2 && !busy && hits.length === 0 && <p class="muted">{t('search.none')}</p>}
      <p class="hint">{t('search.hint')}</p>
    </Modal>
  );
}
