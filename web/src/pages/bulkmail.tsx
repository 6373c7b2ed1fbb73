// bulkmail.tsx: one e-mail to the chosen clients or to the whole filtered
// list (POST /api/bulk_emails), with {first_name} {last_name} {name} filled
// in per client, then its progress (bulkStatus.tsx: counts per status and
// each recipient's, refreshed while it is being sent).  Loaded on first use.
import { useRef, useState } from 'preact/hooks';
import { api, ApiError, type Query } from '../api';
import { fmtNumber } from '../fmt';
import { t } from '../i18n';
import { Modal } from '../ui/dialogs';
import { errorText, translateFieldMessage } from '../ui/errors';
import { FormActions, FormError, TextField } from '../ui/fields';
import { BulkProgress, useLiveBulk, type Bulk } from './bulkStatus';

const PLACEHOLDERS = ['first_name', 'last_name', 'name'] as const;

function fieldMessage(msg: string, code?: string, params?: Record<string, unknown>): string {
  const m = /^has an unknown placeholder (\S+)/.exec(msg);
  return m ? t('bulk.errPlaceholder', { ph: m[1] }) : translateFieldMessage(msg, code, params);
}

export function BulkMailDialog(p: { ids: number[]; filter: Query; onClose: () => void }) {
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState('');
  const [busy, setBusy] = useState(false);
  const [bulk, setBulk] = useState<Bulk | null>(null);
  const lastField = useRef<'subject' | 'body'>('body');
  const bodyRef = useRef<HTMLTextAreaElement>(null);

  const insert = (ph: string) => {
    const token = `{${ph}}`;
    if (lastField.current === 'subject') {
      setSubject((s) => s + token);
      return;
    }
    const ta = bodyRef.current;
    const at = ta ? ta.selectionStart : body.length;
    const end = ta ? ta.selectionEnd : body.length;
    const next = body.slice(0, at) + token + body.slice(end);
    setBody(next);
    requestAnimationFrame(() => {
      ta?.focus();
      ta?.setSelectionRange(at + token.length, at + token.length);
    });
  };

  const send = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setFormError('');
    const to = p.ids.length ? { contact_ids: p.ids } : { filter: p.filter };
    try {
      setBulk(await api.post<Bulk>('/api/bulk_emails', { subject, body, ...to }));
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fields).length) {
        const f: Record<string, string> = {};
        for (const [k, v] of Object.entries(err.fields)) f[k.startsWith('filter') ? 'filter' : k] = fieldMessage(v, err.body.field_codes?.[k], err.body.field_params?.[k]);
        setErrors(f);
        const other = Object.keys(f).filter((k) => k !== 'subject' && k !== 'body');
        setFormError(other.length ? other.map((k) => (k === 'filter' && /matches no clients/.test(err.fields[k] ?? '') ? t('bulk.noneMatch') : f[k])).join(' ') : '');
      } else setFormError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  if (bulk) return <BulkStatus first={bulk} onClose={p.onClose} />;

  return (
    <Modal title={t('bulk.title')} onClose={p.onClose} wide labelId="bulk-title">
      <form onSubmit={send} noValidate>
        <p class="bulk-to">
          <strong>{t('bulk.to')}</strong> {p.ids.length ? t('bulk.toSelected', { n: fmtNumber(p.ids.length) }) : t('bulk.toList')}
          <br />
          <span class="muted">{t('bulk.toNote')}</span>
        </p>
        <div onFocusCapture={() => (lastField.current = 'subject')}>
          <TextField label={t('bulk.subject')} value={subject} onInput={setSubject} required error={errors.subject} />
        </div>
        <div class={'field' + (errors.body ? ' has-error' : '')}>
          <label for="bulk-body">
            {t('bulk.body')}
            <span class="req" aria-hidden="true">
              {' '}
              *
            </span>
          </label>
          <textarea
            id="bulk-body"
            ref={bodyRef}
            rows={8}
            value={body}
            required
            aria-invalid={errors.body ? 'true' : undefined}
            aria-describedby={errors.body ? 'bulk-body-err' : 'bulk-body-hint'}
            onFocus={() => (lastField.current = 'body')}
            onInput={(e) => setBody((e.target as HTMLTextAreaElement).value)}
          />
          {errors.body ? (
            <p class="field-error" id="bulk-body-err" role="alert">
              {errors.body}
            </p>
          ) : (
            <p class="hint" id="bulk-body-hint">
              {t('bulk.placeholdersHint')}
            </p>
          )}
        </div>
        <div class="bulk-ph" role="group" aria-label={t('bulk.insert')}>
          <span class="muted">{t('bulk.insert')}:</span>
          {PLACEHOLDERS.map((ph) => (
            <button key={ph} type="button" class="btn btn-small" onMouseDown={(e) => e.preventDefault()} onClick={() => insert(ph)} title={t(('bulk.ph.' + ph) as 'bulk.ph.name')}>
              {`{${ph}}`}
            </button>
          ))}
        </div>
        <FormError text={formError} />
        <FormActions label={busy ? t('common.wait') : t('bulk.send')} busy={busy} onCancel={p.onClose} />
      </form>
    </Modal>
  );
}

/* BulkStatus: the progress right after sending; the same lives on at
 * /bulk_emails/{id} (the Sent e-mails page). */
function BulkStatus(p: { first: Bulk; onClose: () => void }) {
  const live = useLiveBulk(p.first.id, p.first);
  const b = live.b ?? p.first;
  return (
    <Modal title={t('bulk.statusTitle')} onClose={p.onClose} wide labelId="bulk-title">
      <p class="bulk-subject">
        <strong>{b.subject}</strong>
      </p>
      <BulkProgress live={live} />
      <div class="form-actions">
        <button type="button" class="btn btn-primary" onClick={p.onClose}>
          {t('action.close')}
        </button>
        <a class="btn" href={`/bulk_emails/${b.id}`} onClick={p.onClose}>
          {t('sent.openPage')}
        </a>
      </div>
    </Modal>
  );
}
