// attachments.tsx: the files of a record (a client, a company, an inquiry):
// the list (name, type, size, who, when), upload by picking or dropping
// files (with progress; a file over the server's cap is refused before it is
// sent, naming the limit), download, and delete to the trash with an undo.
import { useEffect, useId, useState } from 'preact/hooks';
import { api, ApiError, upload, type Page } from '../api';
import { fmtDateTime, fmtSize } from '../fmt';
import { t, type Key } from '../i18n';
import { userName } from '../names';
import type { Attachment } from '../officeTypes';
import { toast } from '../store';
import { confirmDialog } from './dialogs';
import { errorText } from './errors';
import '../styles/attachments.css';
import { LoadMore } from './loadMore';

const MIME: [RegExp, Key][] = [
  [/^application\/pdf/, 'mime.pdf'],
  [/^image\/png/, 'mime.png'],
  [/^image\/jpeg/, 'mime.jpeg'],
  [/^image\/gif/, 'mime.gif'],
  [/wordprocessingml/, 'mime.docx'],
  [/spreadsheetml/, 'mime.xlsx'],
  [/^application\/zip/, 'mime.zip'],
  [/^text\//, 'mime.text'],
];

function typeLabel(mime: string): string {
  return t(MIME.find(([re]) => re.test(mime))?.[1] ?? 'mime.other');
}

interface Upload {
  key: number;
  name: string;
  progress: number;
}

let uploadKey = 0;

export function AttachmentsPanel({ entity, id }: { entity: 'contacts' | 'companies' | 'inquiries'; id: number }) {
  const [items, setItems] = useState<Attachment[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [maxBytes, setMaxBytes] = useState(0);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [problems, setProblems] = useState<string[]>([]);
  const [deleted, setDeleted] = useState<Attachment | null>(null);
  const [over, setOver] = useState(false);
  const inputId = useId();
  const base = `/api/attachments?entity=${entity}&record_id=${id}`;

  const load = async (more = false) => {
    try {
      const r = await api.get<Page<Attachment> & { max_bytes?: number }>(base + '&limit=50' + (more && cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
      setItems((xs) => (more && xs ? [...xs, ...r.items] : r.items));
      setCursor(r.next_cursor);
      if (r.max_bytes) setMaxBytes(r.max_bytes);
    } catch (e) {
      setItems((xs) => xs ?? []);
      setProblems([errorText(e)]);
    }
  };
  useEffect(() => {
    load();
  }, [entity, id]);

  const tooLarge = (f: File) => t('att.tooLarge', { name: f.name, size: fmtSize(f.size), limit: fmtSize(maxBytes) });

  const send = async (f: File): Promise<string | null> => {
    if (maxBytes && f.size > maxBytes) return tooLarge(f);
    const key = ++uploadKey;
    setUploads((u) => [...u, { key, name: f.name, progress: 0 }]);
    const form = new FormData();
    form.append('file', f, f.name);
    try {
      const a = await upload<Attachment>(base, form, (p) =>
        setUploads((u) => u.map((x) => (x.key === key ? { ...x, progress: p } : x))),
      );
      setItems((xs) => [a, ...(xs ?? [])]);
      toast(t('att.uploaded', { name: a.name }), 'success');
      return null;
    } catch (e) {
      if (e instanceof ApiError && e.status === 413) return maxBytes ? tooLarge(f) : e.message;
      if (e instanceof ApiError && e.status === 503 && /data directory/.test(e.message)) return t('att.noStorage');
      if (e instanceof ApiError && e.status === 503 && /disk is full/.test(e.message)) return t('att.diskFull');
      return t('att.failed', { name: f.name, why: errorText(e) });
    } finally {
      setUploads((u) => u.filter((x) => x.key !== key));
    }
  };

  const sendAll = async (files: FileList | File[] | null) => {
    if (!files || !files.length) return;
    setProblems([]);
    const out: string[] = [];
    for (const f of Array.from(files)) {
      const p = await send(f);
      if (p) out.push(p);
    }
    setProblems(out);
  };

  const remove = async (a: Attachment) => {
    if (!(await confirmDialog(t('att.deleteConfirm', { name: a.name }), t('action.delete')))) return;
    try {
      await api.del(`/api/attachments/${a.id}`);
      setItems((xs) => (xs ?? []).filter((x) => x.id !== a.id));
      setDeleted(a);
    } catch (e) {
      setProblems([errorText(e)]);
    }
  };

  const restore = async (a: Attachment) => {
    try {
      const r = await api.post<Attachment>(`/api/attachments/${a.id}/restore`);
      setItems((xs) => [r, ...(xs ?? [])].sort((x, y) => y.id - x.id));
      setDeleted(null);
    } catch (e) {
      setProblems([errorText(e)]);
    }
  };

  return (
    <section
      class={'panel attachments' + (over ? ' drop-over' : '')}
      aria-labelledby={inputId + '-title'}
      onDragOver={(e) => {
        if (!e.dataTransfer?.types.includes('Files')) return;
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={(e) => {
        if (!(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        sendAll(e.dataTransfer?.files ?? null);
      }}
    >
      <h2 id={inputId + '-title'}>
        {t('att.title')}
        {items && items.length > 0 && <span class="count">{items.length}{cursor ? '+' : ''}</span>}
      </h2>
      <div class="att-add">
        <input
          id={inputId}
          class="file-input"
          type="file"
          multiple
          onChange={(e) => {
            const el = e.target as HTMLInputElement;
            sendAll(el.files).finally(() => (el.value = ''));
          }}
        />
        <label for={inputId} class="btn btn-small">
          + {t('att.add')}
        </label>
        <span class="muted att-hint">
          {t('att.drop')}
          {maxBytes > 0 && '. ' + t('att.limit', { limit: fmtSize(maxBytes) })}
        </span>
      </div>
      {uploads.map((u) => (
        <div key={u.key} class="att-progress">
          <span class="att-progress-name">{t('att.uploading', { name: u.name })}</span>
          <progress max={1} value={u.progress} aria-label={t('att.uploading', { name: u.name })} />
          <span class="muted">{Math.round(u.progress * 100)}%</span>
        </div>
      ))}
      {problems.length > 0 && (
        <div class="form-error att-problems" role="alert">
          {problems.map((p, i) => (
            <p key={i}>{p}</p>
          ))}
          <button type="button" class="btn-icon" aria-label={t('action.close')} onClick={() => setProblems([])}>
            ×
          </button>
        </div>
      )}
      {deleted && (
        <p class="att-deleted" role="status">
          {t('att.deleted', { name: deleted.name })}{' '}
          <button type="button" class="linklike" onClick={() => restore(deleted)}>
            {t('action.restore')}
          </button>
        </p>
      )}
      {!items && <p class="muted">{t('common.loading')}</p>}
      {items && items.length === 0 && !uploads.length && <p class="muted">{t('att.none')}</p>}
      {items && items.length > 0 && (
        <ul class="att-list">
          {items.map((a) => (
            <li key={a.id} class="att">
              <a class="att-name" href={a.download_url} download={a.name} aria-label={t('att.download', { name: a.name })}>
                {a.name}
              </a>
              <span class="att-meta muted">
                {t('att.meta', { type: typeLabel(a.mime), size: fmtSize(a.size), who: userName(a.created_by), at: fmtDateTime(a.created_at) })}
              </span>
              <button type="button" class="btn-icon att-del" aria-label={t('att.delete', { name: a.name })} title={t('action.delete')} onClick={() => remove(a)}>
                <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
                  <path fill="currentColor" d="M9 3h6l1 2h4v2H4V5h4l1-2zm-3 6h12l-1 12H7L6 9zm4 2v8h2v-8h-2zm4 0v8h2v-8h-2z" />
                </svg>
              </button>
            </li>
          ))}
        </ul>
      )}
      {cursor && (
        <div class="list-foot">
          <LoadMore onMore={() => load(true)} small />
        </div>
      )}
    </section>
  );
}
