// changes.ts: one change of a record's history as a person reads it: each
// changed field by the label its form uses, old -> new, values as the card
// shows them (choices by their labels, users by name, phones grouped, dates
// and times in the user's format, money); a change of `custom` becomes one
// line per custom field that changed, by its label.
import { fmtDate, fmtDateTime, fmtMoney, fmtNumber, fmtPhone } from '../fmt';
import { isKey, t, tn, type Key } from '../i18n';
import { customFieldsOf, departmentName, reasonName, statusOf, userName } from '../names';
import type { CustomField } from '../types';
import { customText } from './dataFields';

export type HistoryEntity = CustomField['entity'];

export interface ChangeLine {
  field: string;
  label: string;
  from: string;
  to: string;
}

const LABELS: Record<string, Key> = {
  kind: 'field.ckind',
  owner_id: 'field.owner',
  company_id: 'field.company',
  contact_id: 'field.client',
  handler_id: 'field.handler',
  status_id: 'field.status',
  department_id: 'field.department',
  archived: 'data.archived',
};

const USERS = new Set(['owner_id', 'handler_id', 'assignee_id', 'created_by', 'updated_by', 'user_id']);
const MONEY = new Set(['value']);

/* changeLabel: "phone" -> "Telefon", as the forms label the field. */
export function changeLabel(f: string): string {
  for (const k of [LABELS[f], 'field.' + f, 'field.' + f.replace(/_id$/, '')])
    if (k && isKey(k)) return t(k);
  return f;
}

/* changeValue: one value of field f as the card shows it ('—' when empty). */
export function changeValue(f: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return t(v ? 'data.yes' : 'data.no');
  if (USERS.has(f)) return userName(v as number);
  if (f === 'department_id') return departmentName(v as number);
  if (f === 'status_id') return tn(statusOf(v as number)) || '#' + v;
  if (f === 'close_reason_id') return reasonName(v as number) || '#' + v;
  if (f === 'phone') return fmtPhone(String(v));
  if (MONEY.has(f) && typeof v === 'number') return fmtMoney(v);
  const enumKey = { kind: 'ckind.', visibility: 'vis.', outcome: 'outcome.' }[f];
  if (enumKey && isKey(enumKey + v)) return t((enumKey + v) as Key);
  if (typeof v === 'number') return f.endsWith('_id') ? '#' + v : fmtNumber(v);
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return fmtDate(v);
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) return fmtDateTime(v);
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/* customLines: the custom fields whose value differs between two objects. */
function customLines(entity: HistoryEntity, from: unknown, to: unknown): ChangeLine[] {
  const a = obj(from), b = obj(to);
  const defs = customFieldsOf(entity);
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  // In the order of the form, then any field since deleted.
  const pos = (n: string) => {
    const i = defs.findIndex((d) => d.name === n);
    return i < 0 ? defs.length : i;
  };
  return names
    .filter((n) => JSON.stringify(a[n] ?? null) !== JSON.stringify(b[n] ?? null))
    .sort((x, y) => pos(x) - pos(y))
    .map((n) => {
      const d = defs.find((x) => x.name === n);
      const show = (v: unknown) => (d ? customText(d, v) : v === null || v === undefined ? '' : String(v)) || '—';
      return { field: 'custom.' + n, label: d ? d.label : n, from: show(a[n]), to: show(b[n]) };
    });
}

/* changeLines: the lines of an update's changes ({field: [old, new]});
 * skip names fields shown otherwise (a comment, a finish's reason). */
export function changeLines(entity: HistoryEntity, changes: Record<string, unknown>, skip: string[] = []): ChangeLine[] {
  const out: ChangeLine[] = [];
  for (const [f, pair] of Object.entries(changes ?? {})) {
    if (skip.includes(f)) continue;
    const [from, to] = Array.isArray(pair) && pair.length === 2 ? pair : [undefined, pair];
    if (f === 'custom') out.push(...customLines(entity, from, to));
    else out.push({ field: f, label: changeLabel(f), from: changeValue(f, from), to: changeValue(f, to) });
  }
  return out;
}
