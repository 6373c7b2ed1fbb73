// store.ts: a minimal observable store and the app's shared state: who is
// logged in, the settings lists every page needs (users, statuses, ...),
// and the toasts.  Pages keep their own data in component state.
import { useEffect, useReducer } from 'preact/hooks';
import type { ActionType, CloseReason, CustomField, Department, Status, User } from './types';

export interface Store<S> {
  get(): S;
  set(patch: Partial<S>): void;
  sub(fn: () => void): () => void;
}

export function createStore<S extends object>(init: S): Store<S> {
  let state = init;
  const subs = new Set<() => void>();
  return {
    get: () => state,
    set(patch) {
      state = { ...state, ...patch };
      subs.forEach((fn) => fn());
    },
    sub(fn) {
      subs.add(fn);
      return () => subs.delete(fn);
    },
  };
}

export function useStore<S extends object>(store: Store<S>): S {
  const [, force] = useReducer((n: number) => n + 1, 0);
  const rendered = store.get();
  useEffect(() => {
    const unsub = store.sub(() => force(0));
    // Effects run after paint: a change made in between (a fast GET
    // /api/me at start-up) would otherwise be missed until the next one.
    if (store.get() !== rendered) force(0);
    return unsub;
  }, [store]);
  return rendered;
}

export interface Session {
  phase: 'loading' | 'out' | 'in';
  user: User | null;
  authLost: boolean; // the session ended while working: log-in shown over the page
}

export const session = createStore<Session>({ phase: 'loading', user: null, authLost: false });

export interface Lookups {
  loaded: boolean;
  users: User[];
  departments: Department[];
  statuses: Status[];
  actionTypes: ActionType[];
  closeReasons: CloseReason[];
  customFields: CustomField[];
}

export const lookups = createStore<Lookups>({
  loaded: false,
  users: [],
  departments: [],
  statuses: [],
  actionTypes: [],
  closeReasons: [],
  customFields: [],
});

export interface Toast {
  id: number;
  text: string;
  kind: 'info' | 'error' | 'success';
  action?: { label: string; run: () => void }; // e.g. "Undo"; stays longer
}

export const toasts = createStore<{ list: Toast[] }>({ list: [] });
let toastId = 0;

/* Error toasts raised in the current run of code (e.g. just before a
 * navigate() that leaves a page because of the error): they survive it. */
const freshErrors = new Set<number>();

export function toast(text: string, kind: Toast['kind'] = 'info', action?: Toast['action']): void {
  const id = ++toastId;
  if (kind === 'error') {
    freshErrors.add(id);
    queueMicrotask(() => freshErrors.delete(id));
  }
  toasts.set({ list: [...toasts.get().list, { id, text, kind, action }].slice(-4) });
  setTimeout(() => dismissToast(id), action ? 30000 : kind === 'error' ? 8000 : 4000);
}

/* clearErrorToasts: on navigation an error of the page left behind does
 * not follow the user (successes and undo offers stay). */
export function clearErrorToasts(): void {
  const list = toasts.get().list;
  const keep = list.filter((x) => x.kind !== 'error' || freshErrors.has(x.id));
  if (keep.length !== list.length) toasts.set({ list: keep });
}

export function dismissToast(id: number): void {
  toasts.set({ list: toasts.get().list.filter((t) => t.id !== id) });
}

export function me(): User {
  return session.get().user as User;
}

export function isAdmin(): boolean {
  return session.get().user?.role === 'admin';
}
