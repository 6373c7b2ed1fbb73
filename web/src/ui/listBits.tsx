// listBits.tsx: what every list shares: how many records match (the API's
// count, capped: "ponad 10 000"), a sortable column header (aria-sort), and
// the "Filtry" button that folds a list's filters away on a phone.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { t } from '../i18n';

/* The API counts up to this many rows: more means "over 10 000". */
export const COUNT_CAP = 10001;

export function ListCount({ n }: { n: number | null }) {
  if (n === null) return null;
  return (
    <p class="list-count muted" role="status">
      {n >= COUNT_CAP ? t('list.countMany') : t('list.count', { n: n.toLocaleString('pl-PL') })}
    </p>
  );
}

/* SortTh: a header that sorts by field (first click ascending, then
 * descending); sort is the list's current "field" or "-field". */
export function SortTh(p: { field: string; sort: string; label: string; onSort: (s: string) => void; class?: string }) {
  const dir = p.sort === p.field ? 'ascending' : p.sort === '-' + p.field ? 'descending' : 'none';
  return (
    <th class={p.class} aria-sort={dir}>
      <button type="button" class="th-sort" title={t('list.sortBy', { c: p.label })} onClick={() => p.onSort(dir === 'ascending' ? '-' + p.field : p.field)}>
        {p.label}
        {dir === 'ascending' ? ' ▲' : dir === 'descending' ? ' ▼' : ''}
      </button>
    </th>
  );
}

/* FilterBar: the toolbar: search always shown, the rest (filters) behind a
 * "Filtry" button at narrow widths (CSS shows the button there only). */
export function FilterBar(p: { search: ComponentChildren; children: ComponentChildren }) {
  const [open, setOpen] = useState(false);
  return (
    <div class={'toolbar' + (open ? ' filters-open' : '')}>
      {p.search}
      <button type="button" class="btn filters-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        {t('list.filters')}
      </button>
      <div class="filters">{p.children}</div>
    </div>
  );
}
