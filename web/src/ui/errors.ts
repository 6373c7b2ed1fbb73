// errors.ts: API errors shown where they belong: field messages at their
// fields (translated by the server's code for each message), a stale
// version as "someone changed this record - reload?", the rest as a toast.
import { ApiError } from '../api';
import { getLocale, isKey, t } from '../i18n';
import { toast } from '../store';
import { confirmDialog } from './dialogs';

type Params = Record<string, unknown>;

/* translateFieldMessage: one field error in the user's language: by the
 * server's code (error.field_codes, catalogue keys err.<code>) with its
 * parameters (error.field_params), else the server's own message. */
export function translateFieldMessage(msg: string, code?: string, params?: Params): string {
  const key = 'err.' + code;
  if (!code || !isKey(key)) return msg;
  const p: Record<string, string> = {};
  for (const [k, v] of Object.entries(params ?? {}))
    p[k] = typeof v === 'number' ? v.toLocaleString(getLocale() === 'en' ? 'en-GB' : 'pl-PL') : String(v);
  return t(key, p);
}

/* fieldMessages: every field error of an API error, translated. */
export function fieldMessages(e: ApiError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(e.fields))
    fields[k] = translateFieldMessage(v, e.body.field_codes?.[k], e.body.field_params?.[k]);
  return fields;
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
    opts.setErrors({ fields: fieldMessages(e), form: errorText(e) });
    return;
  }
  if (opts.setErrors) {
    opts.setErrors({ fields: {}, form: errorText(e) });
    return;
  }
  toast(errorText(e), 'error');
}
