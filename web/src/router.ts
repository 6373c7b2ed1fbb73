// router.ts: client-side routes over the History API.  The server answers
// each of these paths with index.html (see src/api/routes.c).
import { useEffect, useState } from 'preact/hooks';
import { clearErrorToasts } from './store';

const listeners = new Set<() => void>();

/* epoch: bumped by every navigation (and Back/Forward), not by
 * replaceQuery: a list keyed on it starts afresh from the address only when
 * the user went somewhere, never while it writes its own filters. */
let epoch = 0;
export function routeEpoch(): number {
  return epoch;
}

export function navigate(to: string, replace = false): void {
  if (to === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  epoch++;
  clearErrorToasts();
  listeners.forEach((fn) => fn());
  window.scrollTo(0, 0);
}

window.addEventListener('popstate', () => {
  epoch++;
  clearErrorToasts();
  listeners.forEach((fn) => fn());
});

/* replaceQuery: sets (or, for null/'', removes) these query parameters of
 * the current address in place: a list's filters, so a reload and Back
 * find them, while typing adds no history entries.  Nobody is told. */
export function replaceQuery(values: Record<string, string | null>): void {
  const sp = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(values)) {
    if (v === null || v === '') sp.delete(k);
    else sp.set(k, v);
  }
  const s = sp.toString();
  const to = location.pathname + (s ? '?' + s : '');
  if (to !== location.pathname + location.search) history.replaceState(history.state, '', to);
}

export function useLocation(): { path: string; query: URLSearchParams } {
  const [, setN] = useState(0);
  useEffect(() => {
    const fn = () => setN((n) => n + 1);
    listeners.add(fn);
    return () => listeners.delete(fn);
  }, []);
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

/* onLinkClick: makes <a href> navigate in-app unless a modifier asks for a new tab. */
export function onLinkClick(e: MouseEvent): void {
  const a = (e.target as HTMLElement).closest('a');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const href = a.getAttribute('href');
  if (!href || !href.startsWith('/') || href.startsWith('//') || a.target || a.hasAttribute('download')) return;
  if (href.startsWith('/api/') || href.startsWith('/ical/')) return;
  e.preventDefault();
  navigate(href);
}

/* match: "/clients/:id" against a path; the params or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const norm = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (pattern === norm) return {};
  const ps = pattern.split('/');
  const xs = norm.split('/');
  if (ps.length !== xs.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < ps.length; i++) {
    if (ps[i].startsWith(':')) out[ps[i].slice(1)] = decodeURIComponent(xs[i]);
    else if (ps[i] !== xs[i]) return null;
  }
  return out;
}
