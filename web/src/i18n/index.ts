// i18n: every string the UI shows comes from a catalogue, Polish (the
// default) or English; t() fills {name} placeholders.  The user's locale
// comes from /api/me and is switched with PATCH /api/me {locale}.  Only
// the Polish catalogue is in the initial bundle; the English one is
// loaded the first time it is asked for.
import { pl } from './pl';

export type Key = keyof typeof pl;
export type Locale = 'pl' | 'en';

const catalogues: Partial<Record<Locale, Record<Key, string>>> = { pl };
let current: Locale = 'pl';

/* setLocale: switches to l ('en', else Polish) once its catalogue is
 * loaded; if loading fails the UI stays in the language it had. */
export async function setLocale(l: string | null | undefined): Promise<void> {
  const want: Locale = l === 'en' ? 'en' : 'pl';
  if (!catalogues[want]) {
    try {
      catalogues.en = (await import('./en')).en;
    } catch {
      return;
    }
  }
  current = want;
  document.documentElement.lang = current;
}

export function getLocale(): Locale {
  return current;
}

export function t(key: Key, params?: Record<string, string | number>): string {
  let s = catalogues[current]?.[key] ?? pl[key] ?? key;
  if (params) for (const [k, v] of Object.entries(params)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

/* tn: a name with an English variant (statuses, action types, close reasons). */
export function tn(r: { name: string; name_en?: string | null } | null | undefined): string {
  if (!r) return '';
  return current === 'en' && r.name_en ? r.name_en : r.name;
}

export function isKey(k: string): k is Key {
  return k in pl;
}
