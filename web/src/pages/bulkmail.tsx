// bulkmail.tsx: one e-mail to the chosen clients or to the whole filtered
// list (POST /api/bulk_emails), with {first_name} {last_name} {name} filled
// in per client, then its progress (GET /api/bulk_emails/{id}): counts per
// status and each recipient's, refreshed while it is being sent.  Loaded
// on first use.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Query } from '../api';
import { fmtDateTime, fmtNumber } from '../fmt';
import { isKey, t } from '../i18n';
import { Modal } from '../ui/dialogs';
import { errorText, translateFieldMessage } from '../ui/errors';
import { FormError, SelectField, TextField } from '../ui/fields';
import { Stats } from '../ui/stats';
// Also keeps the first bundle whole: rolldown 1.2 splits it in two (+7 KB
// gzip loaded up front) when a lazy module imports nothing but modules of
// the first bundle.
import { fieldLabel } from './dataFields';
import '../styles/data-pages.css';

interface Recipient {
  contact_id: number;
  email: string | null;
  name: string;
  status: 'queued' | 'sent' | 'failed' | 'skipped';
  attempts: number;
  error: string | null;
  sent_at: string | null;
}

interface Bulk {
  id: number;
  subject: string;
  status: 'sending' | 'done';
  counts: { total: number; queued: number; sent: number; failed: number; skipped: number };
  recipients: Recipient[];
  next_cursor: string | null;
}

const PLACEHOLDERS = ['first_name', 'last_name', 'name'] as const;
const STATUSES = ['queued', 'sent', 'failed', 'skipped'] as const;

function statusText(s: string): string {
  const k = 'bulk.st.' + s;
  return isKey(k) ? t(k) : s;
}

/* recipientError: the server's reason in words where it is a known one. */
function recipientError(e: string | null): string {
  if (!e) return '';
  if (e === 'no e-mail address') return t('bulk.noAddress');
  if (e.includes('KONTAKT_SMTP_URL')) return t('bulk.noSmtp');
  return e;
}

function fieldMessage(msg: string): string {
  const m = /^has an unknown placeholder (\S+)/.exec(msg);
  return m ? t('bulk.errPlaceholder', { ph: m[1] }) : translateFieldMessage(msg);
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
        for (const [k, v] of Object.entries(err.fields)) f[k.startsWith('filter') ? 'filter' : k] = fieldMessage(v);
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
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? t('common.wait') : t('bulk.send')}
          </button>
          <button type="button" class="btn" onClick={p.onClose}>
            {t('action.cancel')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function BulkStatus(p: { first: Bulk; onClose: () => void }) {
  const [b, setB] = useState<Bulk>(p.first);
  const [status, setStatus] = useState('');
  const [failed, setFailed] = useState('');

  useEffect(() => {
    let stop = false;
    let timer = 0;
    const tick = async () => {
      try {
        const next = await api.get<Bulk>(`/api/bulk_emails/${p.first.id}`, { limit: 100, status });
        if (stop) return;
        setB(next);
        setFailed('');
        if (next.status === 'sending') timer = window.setTimeout(tick, 2000);
      } catch (e) {
        if (stop) return;
        setFailed(errorText(e));
        timer = window.setTimeout(tick, 5000);
      }
    };
    tick();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [status]);

  const c = b.counts;
  const done = c.total - c.queued;
  const pct = c.total ? Math.round((done / c.total) * 100) : 100;
  const stuck = b.status === 'sending' && b.recipients.some((r) => r.error?.includes('KONTAKT_SMTP_URL'));
  return (
    <Modal title={t('bulk.statusTitle')} onClose={p.onClose} wide labelId="bulk-title">
      <p class="bulk-subject">
        <strong>{b.subject}</strong>
      </p>
      <p role="status" class="bulk-state">
        {b.status === 'sending' ? (
          <>
            <span class="spinner" aria-hidden="true" /> {t('bulk.sending')}
          </>
        ) : (
          t('bulk.done')
        )}
      </p>
      <div class="bulk-bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={t('bulk.progress')}>
        <span style={{ width: pct + '%' }} />
      </div>
      <Stats
        class="bulk-counts"
        items={[
          [t('bulk.total'), c.total],
          [statusText('sent'), c.sent, 'ok'],
          [statusText('queued'), c.queued],
          [statusText('failed'), c.failed, c.failed ? 'bad' : ''],
          [statusText('skipped'), c.skipped, c.skipped ? 'warn' : ''],
        ]}
      />
      {stuck && <p class="notice">{t('bulk.noSmtpLong')}</p>}
      {failed && <p class="form-error">{failed}</p>}
      <div class="toolbar bulk-filter">
        <SelectField label={t('bulk.recipients')} value={status} onChange={setStatus} options={STATUSES.map((s) => [s, statusText(s)])} empty={t('common.all')} />
      </div>
      <div class="table-wrap">
        <table class="list">
          <thead>
            <tr>
              <th>
                {t('field.person')}, {fieldLabel('contacts', 'email').toLowerCase()}
              </th>
              <th>{t('bulk.status')}</th>
            </tr>
          </thead>
          <tbody>
            {b.recipients.map((r) => (
              <tr key={r.contact_id}>
                <td class="bulk-who">
                  <a href={`/clients/${r.contact_id}`}>{r.name || '#' + r.contact_id}</a>
                  <div class="muted">{r.email ?? '—'}</div>
                </td>
                <td>
                  <span class={'badge bulk-' + r.status}>{statusText(r.status)}</span>
                  {r.sent_at && <span class="muted"> {fmtDateTime(r.sent_at)}</span>}
                  {r.error && <div class="muted bulk-err">{recipientError(r.error)}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {b.next_cursor && <p class="muted">{t('bulk.firstOnly', { n: b.recipients.length })}</p>}
      <div class="form-actions">
        <button type="button" class="btn btn-primary" onClick={p.onClose}>
          {t('action.close')}
        </button>
      </div>
    </Modal>
  );
}
