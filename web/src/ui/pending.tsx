// pending.tsx: what a record's page shows until the record is there: a
// loading line while it loads, and instead of it, when the load failed, what
// went wrong ("Nie znaleziono." for a record that does not exist, was deleted
// or is hidden from the reader) with a way back to its list.
import { ApiError } from '../api';
import { t } from '../i18n';

/** loadFailure: the line a page shows for a failed load of its record. */
export function loadFailure(e: unknown): string {
  if (e instanceof ApiError) return e.status === 404 ? t('err.notFound') : e.message || t('err.server');
  return t('err.network');
}

export function Pending(p: { failed: string; back: string; backLabel: string }) {
  if (!p.failed) return <p class="muted loading">{t('common.loading')}</p>;
  return (
    <section class="page">
      <p class="form-error" role="alert">
        {p.failed}
      </p>
      <a href={p.back}>{p.backLabel}</a>
    </section>
  );
}
