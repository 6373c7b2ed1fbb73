// errors.ts: API errors shown where they belong: field messages at their
// fields (translated when the server's text is a known one), a stale
// version as "someone changed this record - reload?", the rest as a toast.
import { ApiError } from '../api';
import { t, type Key } from '../i18n';
import { toast } from '../store';
import { confirmDialog } from './dialogs';

const KNOWN: [string, Key][] = [
  ['is required', 'err.required'],
  ['must not be empty', 'err.required'],
  ['is not a valid e-mail address', 'err.email'],
  ['is not a valid phone number', 'err.phone'],
  ['is not a valid NIP', 'err.nip'],
  ['is not a valid REGON', 'err.regon'],
  ['is not a valid PESEL', 'err.pesel'],
  ['does not match the birth date in the PESEL', 'err.peselBirth'],
  ['must be a date', 'err.date'],
  ['must be an ISO 8601 time', 'err.time'],
  ['must be at most', 'err.tooLong'],
  ['is too short: it needs at least 10 characters', 'err.password'],
  ['is too long: at most 256 bytes', 'err.passwordLong'],
  ['must not be the same as the login', 'err.passwordLogin'],
  ['is too common', 'err.passwordCommon'],
  ['is not your current password', 'err.currentPassword'],
  ['must be a colour', 'err.color'],
  ['refers to a record that does not exist', 'err.missingRef'],
  ["a done activity's time cannot be changed", 'err.doneLocked'],
  ['say why the inquiry was lost', 'err.lostReason'],
  ['agents can assign activities only within their own department', 'err.assignDept'],
  ['must be between', 'err.range'],
  ['must be an integer', 'err.integer'],
  ['must be a number', 'err.number'],
  ['must be one of', 'err.oneOf'],
];

export function translateFieldMessage(msg: string): string {
  for (const [prefix, key] of KNOWN) if (msg.startsWith(prefix)) return t(key);
  return msg;
}

/* refusalText: a refusal whose reason the UI knows (the server's English
 * text), in the user's language; null for any other. */
export function refusalText(msg: string): string | null {
  if (msg.startsWith('You cannot delete your own account')) return t('err.ownAccount');
  if (msg.startsWith('The office must keep at least one active admin')) return t('err.lastAdmin');
  const m = /^The department has (\d+) users?: (.*?)(?: and (\d+) more)?\. Move them to another department first\.$/s.exec(msg);
  if (m) {
    const n = Number(m[1]);
    return t('err.departmentUsers', {
      n,
      users: t(n === 1 ? 'err.departmentUsers.one' : 'err.departmentUsers.many'),
      names: m[3] ? t('err.departmentUsers.more', { names: m[2], n: m[3] }) : m[2],
      them: t(n === 1 ? 'err.departmentUsers.thatOne' : 'err.departmentUsers.those'),
    });
  }
  return null;
}

export interface FormErrors {
  fields: Record<string, string>;
  form: string;
}

export const noErrors: FormErrors = { fields: {}, form: '' };

export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    const known = refusalText(e.message);
    if (known) return known;
    if (e.status === 0) return t('err.network');
    if (e.status === 403) return t('err.forbidden');
    if (e.status === 404) return t('err.notFound');
    if (e.status === 429) return t('err.throttled');
    if (e.status >= 500) return t('err.server');
    if (e.code === 'validation_failed' && Object.keys(e.fields).length) return t('err.checkFields');
    if (e.code === 'in_use') return t('err.inUse');
    return e.message;
  }
  return String(e);
}

/* showError: the error of a save.  setErrors (a form) gets field and form
 * messages; a conflict offers reload(); anything else becomes a toast. */
export async function showError(
  e: unknown,
  opts: { setErrors?: (e: FormErrors) => void; reload?: () => void } = {},
): Promise<void> {
  if (e instanceof ApiError && e.isConflict) {
    const ok = await confirmDialog(t('err.conflict'), t('action.reload'));
    if (ok && opts.reload) opts.reload();
    return;
  }
  if (e instanceof ApiError && opts.setErrors && Object.keys(e.fields).length) {
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(e.fields)) fields[k] = translateFieldMessage(v);
    opts.setErrors({ fields, form: errorText(e) });
    return;
  }
  if (opts.setErrors) {
    opts.setErrors({ fields: {}, form: errorText(e) });
    return;
  }
  toast(errorText(e), 'error');
}
