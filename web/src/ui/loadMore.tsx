// loadMore.tsx: a list that pages by cursor: usePaged keeps its pages (the
// first again whenever what it depends on changes, the next one on "Pokaż
// więcej"), LoadMore is the button under it.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Page } from '../api';
import { t } from '../i18n';
import { showError } from './errors';

export function LoadMore(p: { onMore: () => void; small?: boolean }) {
  return (
    <button type="button" class={p.small ? 'btn btn-small' : 'btn'} onClick={p.onMore}>
      {t('action.loadMore')}
    </button>
  );
}

export interface Paged<T> {
  items: T[] | null; // null until the first page has come
  cursor: string | null; // of the next page; null at the end
  loading: boolean;
  more: () => void;
  reload: () => void;
  setItems: (fn: (xs: T[]) => T[]) => void; // a change made here (a row removed, one replaced)
}

/* usePaged: the pages fetchPage(cursor) returns.  The first page is asked
 * for at once, and again when deps change: after delayMs when given, so
 * typing waits for a pause.  A reply to a request that has been overtaken
 * is dropped; an error is shown (showError) and leaves the list as it was
 * (empty if there was none). */
export function usePaged<T>(fetchPage: (cursor: string | null) => Promise<Page<T>>, deps: unknown[], delayMs = 0): Paged<T> {
  const [items, setItemsState] = useState<T[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage; // the latest closure: the query as it is now
  const cursorRef = useRef<string | null>(null);
  const started = useRef(false);

  const load = async (more: boolean) => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const r = await fetchRef.current(more ? cursorRef.current : null);
      if (mine !== seq.current) return;
      setItemsState((xs) => (more && xs ? [...xs, ...r.items] : r.items));
      cursorRef.current = r.next_cursor;
      setCursor(r.next_cursor);
    } catch (e) {
      if (mine !== seq.current) return;
      showError(e);
      setItemsState((xs) => xs ?? []);
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  };

  useEffect(() => {
    const wait = started.current ? delayMs : 0;
    started.current = true;
    if (!wait) {
      load(false);
      return;
    }
    const timer = window.setTimeout(() => load(false), wait);
    return () => clearTimeout(timer);
  }, deps);

  return {
    items,
    cursor,
    loading,
    more: () => load(true),
    reload: () => load(false),
    setItems: (fn) => setItemsState((xs) => fn(xs ?? [])),
  };
}
