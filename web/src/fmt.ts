// fmt.ts: dates, times, numbers and money through Intl, in the user's locale
// and time zone (user.time_zone, not the browser's), and the conversions
// between UTC instants and wall-clock times in that zone.
import { getLocale } from './i18n';
import { session } from './store';

export function userZone(): string {
  return session.get().user?.time_zone || 'Europe/Warsaw';
}

function intlLocale(): string {
  return getLocale() === 'en' ? 'en-GB' : 'pl-PL';
}

const cache = new Map<string, Intl.DateTimeFormat>();
function dtf(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = cache.get(key);
  if (!f) {
    try {
      f = make();
    } catch {
      f = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC' });
    }
    cache.set(key, f);
  }
  return f;
}

export interface Wall {
  y: number;
  mo: number; // 1-12
  d: number;
  h: number;
  mi: number;
  s: number;
}

/* wall: the wall-clock time of instant ms in zone tz. */
export function wall(ms: number, tz = userZone()): Wall {
  const f = dtf('parts|' + tz, () =>
    new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    }),
  );
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { y: p.year, mo: p.month, d: p.day, h: p.hour === 24 ? 0 : p.hour, mi: p.minute, s: p.second };
}

/* offsetMin: minutes east of UTC of zone tz at instant ms. */
export function offsetMin(ms: number, tz = userZone()): number {
  const w = wall(ms, tz);
  const asUtc = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

/* wallToMs: the instant of a wall-clock time in zone tz. */
export function wallToMs(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, tz = userZone()): number {
  const guess = Date.UTC(y, mo - 1, d, h, mi, s);
  const off1 = offsetMin(guess, tz);
  let t = guess - off1 * 60000;
  const off2 = offsetMin(t, tz);
  if (off2 !== off1) t = guess - off2 * 60000;
  return t;
}

const pad = (n: number) => String(n).padStart(2, '0');

/* toInputDate / toInputTime: an ISO instant as <input type=date|time> values in the user's zone. */
export function toInputDate(iso: string | null): string {
  if (!iso) return '';
  const w = wall(Date.parse(iso));
  return `${w.y}-${pad(w.mo)}-${pad(w.d)}`;
}

export function toInputTime(iso: string | null): string {
  if (!iso) return '';
  const w = wall(Date.parse(iso));
  return `${pad(w.h)}:${pad(w.mi)}`;
}

/* fromInputs: date "YYYY-MM-DD" + time "HH:MM" in the user's zone as an ISO instant. */
export function fromInputs(date: string, time: string): string | null {
  const dm = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!dm) return null;
  const tm = /^(\d{2}):(\d{2})/.exec(time || '00:00');
  const ms = wallToMs(+dm[1], +dm[2], +dm[3], tm ? +tm[1] : 0, tm ? +tm[2] : 0);
  return isoZ(ms);
}

export function isoZ(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function todayInput(): string {
  const w = wall(Date.now());
  return `${w.y}-${pad(w.mo)}-${pad(w.d)}`;
}

export function fmtDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const tz = userZone();
  return dtf(`dt|${intlLocale()}|${tz}`, () =>
    new Intl.DateTimeFormat(intlLocale(), { timeZone: tz, dateStyle: 'medium', timeStyle: 'short' }),
  ).format(new Date(iso));
}

export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const tz = userZone();
  return dtf(`t|${intlLocale()}|${tz}`, () =>
    new Intl.DateTimeFormat(intlLocale(), { timeZone: tz, hour: '2-digit', minute: '2-digit' }),
  ).format(new Date(iso));
}

/* fmtDate: a date-only value (YYYY-MM-DD) or the day of an instant. */
export function fmtDate(v: string | null | undefined): string {
  if (!v) return '';
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(v);
  const tz = dateOnly ? 'UTC' : userZone();
  return dtf(`d|${intlLocale()}|${tz}`, () =>
    new Intl.DateTimeFormat(intlLocale(), { timeZone: tz, dateStyle: 'medium' }),
  ).format(new Date(dateOnly ? v + 'T00:00:00Z' : v));
}

export function fmtNumber(n: number | null | undefined): string {
  if (n === null || n === undefined) return '';
  return new Intl.NumberFormat(intlLocale()).format(n);
}

/* fmtMoney: minor units (grosze) of a currency. */
export function fmtMoney(minor: number | null | undefined, currency = 'PLN'): string {
  if (minor === null || minor === undefined) return '';
  return new Intl.NumberFormat(intlLocale(), { style: 'currency', currency }).format(minor / 100);
}

/* parseMoney: "1 234,50" or "1234.5" -> 123450 minor units; null if not a number. */
export function parseMoney(s: string): number | null {
  const clean = s.replace(/[\s\u00a0]/g, '').replace(/[^\d,.-]/g, '');
  if (!clean) return null;
  const lastSep = Math.max(clean.lastIndexOf(','), clean.lastIndexOf('.'));
  let norm = clean;
  if (lastSep >= 0) {
    const intPart = clean.slice(0, lastSep).replace(/[,.]/g, '');
    const frac = clean.slice(lastSep + 1);
    norm = frac.length <= 2 ? `${intPart}.${frac}` : intPart + frac;
  }
  const v = Number(norm);
  return Number.isFinite(v) ? Math.round(v * 100) : null;
}

export function moneyInput(minor: number | null | undefined): string {
  if (minor === null || minor === undefined) return '';
  return (minor / 100).toFixed(2).replace('.', getLocale() === 'pl' ? ',' : '.');
}

/* fmtPhone: a stored Polish number (+48 and nine digits) grouped as it is
 * written in Poland: mobile and non-geographic numbers (601, 800, 70x...)
 * as "+48 601 200 307", landlines with their area code as
 * "+48 22 555 12 34".  Anything else as stored. */
const PL_NON_GEOGRAPHIC = /^(45|50|51|53|57|60|66|69|72|73|78|79|88|70|80|39|64)/;
export function fmtPhone(p: string | null | undefined): string {
  if (!p) return '';
  const m = /^\+48(\d{9})$/.exec(p);
  if (!m) return p;
  const d = m[1];
  return PL_NON_GEOGRAPHIC.test(d)
    ? `+48 ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}`
    : `+48 ${d.slice(0, 2)} ${d.slice(2, 5)} ${d.slice(5, 7)} ${d.slice(7)}`;
}

/* fmtSize: a file size in bytes as "820 B", "14,2 kB", "3,5 MB" in the user's locale. */
export function fmtSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '';
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  if (i === 0) return fmtNumber(bytes) + ' B'; // en-GB would say "820 byte"
  return new Intl.NumberFormat(intlLocale(), {
    style: 'unit',
    unit: units[i],
    unitDisplay: 'short',
    maximumFractionDigits: i === 0 || v >= 100 ? 0 : 1,
  }).format(v);
}
