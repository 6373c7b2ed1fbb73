// bulkStatus.tsx: a bulk e-mail's progress as it is being sent (GET
// /api/bulk_emails/{id}): useLiveBulk keeps it fresh while anything is
// queued and pages its recipients; BulkProgress shows the state, the counts
// per status and each recipient's status with a filter.  Shared by the
// status dialog after sending (bulkmail.tsx) and the Sent e-mails page
// (sentmail.tsx); what frames it (a dialog, a page) is theirs.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { fmtDateTime } from '../fmt';
import { isKey, t } from '../i18n';
import { errorText } from '../ui/errors';
import { SelectField } from '../ui/fields';
import { LoadMore } from '../ui/loadMore';
import { Stats } from '../ui/stats';
import { fieldLabel } from './dataFields';
import '../styles/data-pages.css';

export interface Recipient {
  contact_id: number;
  email: string | null;
  name: string;
  status: 'queued' | 'sent' | 'failed' | 'skipped';
  attempts: number;
  error: string | null;
  sent_at: string | null;
}

export interface BulkCounts {
  total: number;
  queued: number;
  sent: number;
  failed: number;
  skipped: number;
}

/* Bulk: one bulk e-mail as GET /api/bulk_emails/{id} returns it; the list
 * (GET /api/bulk_emails) gives the same without recipients. */
export interface Bulk {
  id: number;
  subject: string;
  body: string;
  created_at: string;
  created_by: number | null;
  finished_at: string | null;
  status: 'sending' | 'done';
  counts: BulkCounts;
  recipients: Recipient[];
  next_cursor: string | null;
}

const STATUSES = ['queued', 'sent', 'failed', 'skipped'] as const;
const PAGE = 100; // recipients per page
const MAX = 500; // the API's largest page
const REFRESH_MS = 2000;
const RETRY_MS = 5000;

export function statusText(s: string): string {
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

export interface LiveBulk {
  b: Bulk | null;
  /* the last refresh failed (null: fine); with b null, the first load */
  failed: string | null;
  status: string; // the recipients shown: '' (all) or one status
  setStatus: (s: string) => void;
  more: () => void;
  moreBusy: boolean;
}

/* useLiveBulk: bulk e-mail id, fetched now (or starting from first, what
 * POST returned), then again every 2 s while it is being sent.  A refresh
 * re-reads as many recipients as are shown, so statuses change in place
 * and pages loaded with more() stay; past the API's largest page (500) a
 * refresh brings only the counts. */
export function useLiveBulk(id: number, first?: Bulk): LiveBulk {
  const [b, setB] = useState<Bulk | null>(first ?? null);
  const [failed, setFailed] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [moreBusy, setMoreBusy] = useState(false);
  const shown = useRef(0); // recipients on screen
  const seq = useRef(0); // the newest request: older answers are dropped
  const inMore = useRef(false);
  shown.current = b?.recipients.length ?? 0;

  useEffect(() => {
    let stop = false;
    let timer = 0;
    let fresh = true; // the filter changed: start from its first page
    const tick = async () => {
      if (inMore.current) {
        timer = window.setTimeout(tick, 300);
        return;
      }
      const mine = ++seq.current;
      const n = fresh ? PAGE : Math.max(PAGE, shown.current);
      const headOnly = n > MAX;
      try {
        const next = await api.get<Bulk>(`/api/bulk_emails/${id}`, { limit: headOnly ? 1 : n, status });
        if (stop) return;
        if (mine === seq.current) {
          fresh = false;
          setB((cur) => (headOnly && cur ? { ...next, recipients: cur.recipients, next_cursor: cur.next_cursor } : next));
          setFailed(null);
        }
        if (next.status === 'sending') timer = window.setTimeout(tick, REFRESH_MS);
      } catch (e) {
        if (stop) return;
        setFailed(errorText(e));
        timer = window.setTimeout(tick, RETRY_MS);
      }
    };
    tick();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [id, status]);

  const more = async () => {
    const cursor = b?.next_cursor;
    if (!cursor || inMore.current) return;
    inMore.current = true;
    setMoreBusy(true);
    const mine = ++seq.current;
    try {
      const page = await api.get<Bulk>(`/api/bulk_emails/${id}`, { limit: PAGE, status, cursor });
      if (mine === seq.current) setB((cur) => ({ ...page, recipients: [...(cur?.recipients ?? []), ...page.recipients] }));
    } catch (e) {
      setFailed(errorText(e));
    } finally {
      inMore.current = false;
      setMoreBusy(false);
    }
  };

  return { b, failed, status, setStatus, more, moreBusy };
}

/* BulkProgress: the state of the sending, its counts and the recipients. */
export function BulkProgress({ live }: { live: LiveBulk }) {
  const b = live.b;
  if (!b) return null;
  const c = b.counts;
  const done = c.total - c.queued;
  const pct = c.total ? Math.round((done / c.total) * 100) : 100;
  const stuck = b.status === 'sending' && b.recipients.some((r) => r.error?.includes('KONTAKT_SMTP_URL'));
  return (
    <div class="bulk-progress">
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
      <BulkCountsRow counts={c} class="bulk-counts" />
      {stuck && <p class="notice">{t('bulk.noSmtpLong')}</p>}
      {live.failed && <p class="form-error">{live.failed}</p>}
      <div class="toolbar bulk-filter">
        <SelectField
          label={t('bulk.recipients')}
          value={live.status}
          onChange={live.setStatus}
          options={STATUSES.map((s) => [s, statusText(s)])}
          empty={t('common.all')}
        />
      </div>
      <div class="table-wrap">
        <table class="list bulk-recipients">
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
      {b.recipients.length === 0 && <p class="muted empty">{t('bulk.noRecipients')}</p>}
      {b.next_cursor && (
        <div class="list-foot">
          {live.moreBusy ? <span class="muted">{t('common.loading')}</span> : <LoadMore onMore={live.more} />}
        </div>
      )}
    </div>
  );
}

/* BulkCountsRow: recipients, then sent, queued, failed and skipped. */
export function BulkCountsRow(p: { counts: BulkCounts; class?: string }) {
  const c = p.counts;
  return (
    <Stats
      class={p.class}
      items={[
        [t('bulk.total'), c.total],
        [statusText('sent'), c.sent, 'ok'],
        [statusText('queued'), c.queued],
        [statusText('failed'), c.failed, c.failed ? 'bad' : ''],
        [statusText('skipped'), c.skipped, c.skipped ? 'warn' : ''],
      ]}
    />
  );
}
