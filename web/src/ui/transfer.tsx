// transfer.tsx: what the lists share for moving data in and out: the
// export menu (links that the browser downloads itself, so a large list
// streams to disk, authenticated by the session cookie) and a dialog whose
// code is loaded only when it is first opened (import, merge, bulk e-mail).
import type { ComponentType } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { qs, type Query } from '../api';
import { t } from '../i18n';
import { toast } from '../store';
import '../styles/data.css';

/* exportHref: GET /api/<entity>/export with the list's own parameters
 * (paging left out) and its columns. */
export function exportHref(entity: string, params: Query, columns: string[], format: 'csv' | 'xlsx'): string {
  const q: Query = { ...params, format, columns: columns.join(',') };
  delete q.limit;
  delete q.cursor;
  return `/api/${entity}/export` + qs(q);
}

/* ExportMenu: "Eksport" opening two download links, CSV and XLSX. */
export function ExportMenu(p: { entity: string; params: Query; columns: string[] }) {
  const ref = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    const close = (e: Event) => {
      const d = ref.current;
      if (d?.open && !d.contains(e.target as Node)) d.open = false;
    };
    const esc = (e: KeyboardEvent) => {
      const d = ref.current;
      if (e.key === 'Escape' && d?.open) {
        d.open = false;
        d.querySelector('summary')?.focus();
      }
    };
    document.addEventListener('click', close);
    document.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('click', close);
      document.removeEventListener('keydown', esc);
    };
  }, []);
  const picked = () => {
    if (ref.current) ref.current.open = false;
    toast(t('data.exportStarted'), 'info');
  };
  return (
    <details class="menu" ref={ref}>
      <summary class="btn">{t('data.export')}</summary>
      <div class="menu-pop" role="group" aria-label={t('data.export')}>
        <a class="menu-item" href={exportHref(p.entity, p.params, p.columns, 'csv')} download onClick={picked}>
          {t('data.exportCsv')}
        </a>
        <a class="menu-item" href={exportHref(p.entity, p.params, p.columns, 'xlsx')} download onClick={picked}>
          {t('data.exportXlsx')}
        </a>
        <p class="menu-note muted">{t('data.exportNote')}</p>
      </div>
    </details>
  );
}

/* LazyDialog: renders the component load() gives once it has arrived. */
export function LazyDialog<P extends object>(p: { load: () => Promise<ComponentType<P>>; props: P }) {
  const [C, setC] = useState<ComponentType<P> | null>(null);
  useEffect(() => {
    p.load()
      .then((c) => setC(() => c))
      .catch(() => toast(t('err.network'), 'error'));
  }, []);
  return C ? <C {...p.props} /> : null;
}
