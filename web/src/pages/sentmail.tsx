// sentmail.tsx: the Sent e-mails page: past bulk e-mails, newest first (GET
// /api/bulk_emails: mine, an admin's everyone's), each with its counts,
// paged by "load more"; those still being sent refresh their counts.  One
// opens at /bulk_emails/{id}: subject, body and the live progress of
// bulkStatus.tsx.  Sending starts from the clients list, not here.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Page } from '../api';
import { fmtDateTime } from '../fmt';
import { t } from '../i18n';
import { userName } from '../names';
import { isAdmin } from '../store';
import { showError } from '../ui/errors';
import { LoadMore } from '../ui/loadMore';
import { BulkCountsRow, BulkProgress, useLiveBulk, type Bulk } from './bulkStatus';
import '../styles/office.css';

const PAGE = 20;
const REFRESH_MS = 3000;
const PLACEHOLDER = /\{(first_name|last_name|name)\}/;

function Meta({ b }: { b: Bulk }) {
  const by = isAdmin() ? userName(b.created_by) : '';
  return (
    <p class="muted sent-meta">
      {t('sent.when', { at: fmtDateTime(b.created_at) })}
      {by && <> · {t('sent.by', { name: by })}</>}
    </p>
  );
}

export function SentMailPage() {
  const [items, setItems] = useState<Bulk[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const seq = useRef(0);

  const load = async (more = false) => {
    const mine = ++seq.current;
    setBusy(true);
    try {
      const r = await api.get<Page<Bulk>>('/api/bulk_emails', { limit: PAGE, cursor: more ? cursor : null });
      if (mine !== seq.current) return;
      setItems((xs) => (more && xs ? [...xs, ...r.items] : r.items));
      setCursor(r.next_cursor);
    } catch (e) {
      if (mine === seq.current) showError(e);
    } finally {
      if (mine === seq.current) setBusy(false);
    }
  };

  useEffect(() => {
    load();
  }, []);

  // Those still being sent: their counts again (one small request each)
  // until they are done.
  const sending = (items ?? []).filter((b) => b.status === 'sending').map((b) => b.id);
  useEffect(() => {
    if (!sending.length) return;
    const timer = window.setTimeout(async () => {
      const fresh = await Promise.all(sending.map((id) => api.get<Bulk>(`/api/bulk_emails/${id}`, { limit: 1 }).catch(() => null)));
      setItems((xs) => xs && xs.map((x) => fresh.find((f) => f?.id === x.id) ?? x));
    }, REFRESH_MS);
    return () => clearTimeout(timer);
  }, [items]);

  return (
    <section class="page sent">
      <div class="page-head">
        <div>
          <h1>{t('sent.title')}</h1>
          <p class="muted page-intro">
            {isAdmin() ? t('sent.introAdmin') : t('sent.intro')} {t('sent.how')} <a href="/clients">{t('sent.toClients')}</a>.
          </p>
        </div>
      </div>
      {!items && <p class="muted">{t('common.loading')}</p>}
      {items && items.length === 0 && !busy && <p class="muted empty">{t('sent.none')}</p>}
      {items && items.length > 0 && (
        <ul class="sent-list" aria-busy={busy}>
          {items.map((b) => (
            <li key={b.id} class="sent-item">
              <div class="sent-head">
                <a class="sent-subject" href={`/bulk_emails/${b.id}`}>
                  {b.subject}
                </a>
                {b.status === 'sending' && <span class="badge badge-sending">{t('sent.sending')}</span>}
              </div>
              <Meta b={b} />
              <BulkCountsRow counts={b.counts} class="sent-stats" />
            </li>
          ))}
        </ul>
      )}
      {cursor && (
        <div class="list-foot">
          <LoadMore onMore={() => load(true)} />
        </div>
      )}
    </section>
  );
}

export function SentMailDetail({ id }: { id: number }) {
  const live = useLiveBulk(id);
  const b = live.b;
  const crumbs = (
    <nav class="crumbs" aria-label={t('nav.crumbs')}>
      <a href="/bulk_emails">{t('sent.title')}</a>
    </nav>
  );
  if (!b)
    return (
      <section class="page">
        {crumbs}
        {live.failed ? <p class="form-error">{live.failed}</p> : <p class="muted loading">{t('common.loading')}</p>}
      </section>
    );
  return (
    <section class="page sent-detail">
      {crumbs}
      <div class="page-head">
        <h1 class="sent-title">{b.subject}</h1>
      </div>
      <Meta b={b} />
      <article class="panel sent-body" aria-label={t('bulk.body')}>
        <h2>{t('bulk.body')}</h2>
        <p class="sent-text">{b.body}</p>
        {PLACEHOLDER.test(b.subject + b.body) && <p class="hint">{t('sent.bodyHint')}</p>}
      </article>
      <section class="panel sent-progress" aria-labelledby="sent-recipients">
        <h2 id="sent-recipients">{t('sent.delivery')}</h2>
        <BulkProgress live={live} />
      </section>
    </section>
  );
}
