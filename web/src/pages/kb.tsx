// kb.tsx: the knowledge base.  The list searches as you type (debounced;
// the API ranks by relevance, folds case and diacritics and matches word
// prefixes), filters by a tag, and pages through "load more"; an article
// shows the server's body_html (Markdown rendered with every byte of text
// escaped) and its tags; admins and managers create; a manager edits and
// deletes their own articles, an admin any.
import { useEffect, useState } from 'preact/hooks';
import { api, type Page } from '../api';
import { fmtDateTime } from '../fmt';
import { t } from '../i18n';
import { userName } from '../names';
import type { KbArticle } from '../officeTypes';
import { navigate, useLocation } from '../router';
import { isAdmin, me, toast } from '../store';
import { confirmDialog, Modal } from '../ui/dialogs';
import { noErrors, showError, type FormErrors } from '../ui/errors';
import { loadFailure, Pending } from '../ui/pending';
import { FormActions, FormError, TextArea, TextField } from '../ui/fields';
import { Body } from './announcements';
import { LoadMore, usePaged } from '../ui/loadMore';
import '../styles/office.css';

function canWrite(): boolean {
  const r = me().role;
  return r === 'admin' || r === 'manager';
}

/* canManage: a manager edits and deletes only what they wrote; admins any. */
function canManage(a: KbArticle): boolean {
  return isAdmin() || (canWrite() && a.created_by === me().id);
}

/* plain: the text of the server's (safe) HTML, for a snippet; an inert
 * document: nothing in it loads or runs. */
function plain(html: string, max = 220): string {
  const s = (new DOMParser().parseFromString(html, 'text/html').body.textContent ?? '').replace(/\s+/g, ' ').trim();
  return s.length > max ? s.slice(0, max).replace(/\s+\S*$/, '') + '…' : s;
}

function Tags({ tags }: { tags: string[] }) {
  if (!tags.length) return null;
  return (
    <ul class="tags" aria-label={t('kb.tags')}>
      {tags.map((x) => (
        <li key={x}>
          <a class="tag" href={'/kb?tag=' + encodeURIComponent(x)}>
            #{x}
          </a>
        </li>
      ))}
    </ul>
  );
}

function ArticleForm(p: { rec?: KbArticle; onClose: () => void; onSaved: (a: KbArticle) => void }) {
  const [title, setTitle] = useState(p.rec?.title ?? '');
  const [tags, setTags] = useState((p.rec?.tags ?? []).join(', '));
  const [body, setBody] = useState(p.rec?.body ?? '');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setErrors(noErrors);
    setBusy(true);
    const fields = {
      title,
      body,
      tags: tags
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    };
    try {
      const a = p.rec
        ? await api.patch<KbArticle>(`/api/kb_articles/${p.rec.id}`, { ...fields, version: p.rec.version })
        : await api.post<KbArticle>('/api/kb_articles', fields);
      p.onSaved(a);
    } catch (err) {
      showError(err, {
        setErrors: (x) => setErrors(x.fields.tags?.startsWith('must be a list') ? { ...x, fields: { ...x.fields, tags: t('kb.tagsInvalid') } } : x),
        reload: p.onClose,
      });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title={p.rec ? t('kb.edit') : t('kb.new')} onClose={p.onClose} labelId="kb-form-title" wide>
      <form onSubmit={submit} noValidate>
        <TextField label={t('field.title')} value={title} onInput={setTitle} required error={errors.fields.title} autoFocus />
        <TextField label={t('kb.tags')} value={tags} onInput={setTags} hint={t('kb.tagsHint')} error={errors.fields.tags} />
        <TextArea label={t('kb.body')} value={body} onInput={setBody} rows={14} hint={t('ann.bodyHint')} error={errors.fields.body} />
        <FormError text={errors.form} />
        <FormActions label={p.rec ? t('action.save') : t('action.create')} busy={busy} onCancel={p.onClose} />
      </form>
    </Modal>
  );
}

export function KbPage() {
  const { query } = useLocation();
  const [q, setQ] = useState(query.get('q') ?? '');
  const tag = query.get('tag') ?? ''; // tag links navigate: the tag lives in the URL
  const [creating, setCreating] = useState(false);
  const searched = q.trim();
  // Typing waits for a pause; the first load goes at once.
  const list = usePaged<KbArticle>(
    (cursor) => api.get<Page<KbArticle>>('/api/kb_articles', { q: searched, tag, limit: 20, cursor }),
    [searched, tag],
    250,
  );
  const { items, cursor } = list;
  const busy = list.loading;

  // The URL keeps the search (replaced, not pushed), so "back" from an
  // article returns to the same list.
  useEffect(() => {
    const url = '/kb' + (searched || tag ? '?' + new URLSearchParams({ ...(searched ? { q: searched } : {}), ...(tag ? { tag } : {}) }) : '');
    if (url !== location.pathname + location.search) history.replaceState(null, '', url);
  }, [searched, tag]);

  return (
    <section class="page kb">
      <div class="page-head">
        <div>
          <h1>{t('kb.title')}</h1>
          <p class="muted page-intro">{t('kb.intro')}</p>
        </div>
        {canWrite() && (
          <div class="page-actions">
            <button type="button" class="btn btn-primary" onClick={() => setCreating(true)}>
              + {t('kb.new')}
            </button>
          </div>
        )}
      </div>
      <div class="kb-search" role="search">
        <div class="field">
          <label for="kb-q">{t('kb.search')}</label>
          <input
            id="kb-q"
            type="search"
            autoComplete="off"
            value={q}
            aria-describedby="kb-q-hint"
            onInput={(e) => setQ((e.target as HTMLInputElement).value)}
          />
          <p class="hint" id="kb-q-hint">
            {t('kb.searchHint')}
          </p>
        </div>
        {tag && (
          <p class="kb-tag-filter">
            <span class="tag">#{tag}</span>
            <button type="button" class="linklike" onClick={() => navigate(searched ? '/kb?' + new URLSearchParams({ q: searched }) : '/kb')}>
              {t('kb.clearTag')}
            </button>
          </p>
        )}
      </div>
      <h2 class="kb-list-title">{searched ? t('kb.best') : t('kb.recent')}</h2>
      {!items && <p class="muted">{t('common.loading')}</p>}
      {items && items.length === 0 && !busy && (
        <p class="muted empty">{searched ? t('kb.noHits', { q: searched }) : t('kb.none')}</p>
      )}
      {items && items.length > 0 && (
        <ul class="kb-list" aria-busy={busy}>
          {items.map((a) => (
            <li key={a.id} class="kb-item">
              <a class="kb-item-title" href={`/kb/${a.id}`}>
                {a.title}
              </a>
              <p class="kb-snippet">{plain(a.body_html)}</p>
              <div class="kb-item-foot">
                <Tags tags={a.tags} />
                <span class="muted kb-when">{t('kb.updated', { at: fmtDateTime(a.updated_at) })}</span>
              </div>
            </li>
          ))}
        </ul>
      )}
      {cursor && (
        <div class="list-foot">
          <LoadMore onMore={list.more} />
        </div>
      )}
      {creating && (
        <ArticleForm
          onClose={() => setCreating(false)}
          onSaved={(a) => {
            setCreating(false);
            toast(t('common.saved'), 'success');
            navigate(`/kb/${a.id}`);
          }}
        />
      )}
    </section>
  );
}

export function KbArticlePage({ id }: { id: number }) {
  const [a, setA] = useState<KbArticle | null>(null);
  const [failed, setFailed] = useState('');
  const [editing, setEditing] = useState(false);
  const load = async () => {
    try {
      setA(await api.get<KbArticle>(`/api/kb_articles/${id}`));
    } catch (e) {
      if (a) showError(e);
      else setFailed(loadFailure(e));
    }
  };
  useEffect(() => {
    load();
  }, [id]);
  if (!a) return <Pending failed={failed} back="/kb" backLabel={t('kb.title')} />;
  const remove = async () => {
    if (!(await confirmDialog(t('kb.deleteConfirm'), t('action.delete')))) return;
    try {
      await api.del(`/api/kb_articles/${a.id}`);
      toast(t('kb.deleted'), 'success');
      navigate('/kb');
    } catch (e) {
      showError(e);
    }
  };
  const by = userName(a.updated_by ?? a.created_by);
  return (
    <section class="page kb-article">
      <nav class="crumbs" aria-label={t('nav.crumbs')}>
        <a href="/kb">{t('kb.title')}</a>
      </nav>
      <div class="page-head">
        <h1>{a.title}</h1>
        {canManage(a) && (
          <div class="page-actions">
            <button type="button" class="btn btn-primary" onClick={() => setEditing(true)}>
              {t('action.edit')}
            </button>
            <button type="button" class="btn btn-quiet" onClick={remove}>
              {t('action.delete')}
            </button>
          </div>
        )}
      </div>
      <article class="panel kb-body">
        <p class="muted kb-meta">
          {t('kb.updated', { at: fmtDateTime(a.updated_at) })}
          {by && ' ' + t('kb.by', { name: by })}
        </p>
        <Tags tags={a.tags} />
        <Body html={a.body_html} />
      </article>
      {editing && (
        <ArticleForm
          rec={a}
          onClose={() => {
            setEditing(false);
            load();
          }}
          onSaved={(r) => {
            setA(r);
            setEditing(false);
            toast(t('common.saved'), 'success');
          }}
        />
      )}
    </section>
  );
}
