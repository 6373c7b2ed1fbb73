// duplicates.tsx: likely duplicate people or companies (GET
// /api/duplicates) in groups with their kind, score and evidence, the
// records side by side, paged with "Show more"; "Merge" opens the merge
// view: which record to keep and, per field, whose value wins, then POST
// /api/<entity>/{id}/merge.  A merge can be undone from the toast or the
// notice that stays on the page (POST /api/merges/{id}/undo).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Page } from '../api';
import { fmtDate, fmtDateTime } from '../fmt';
import { t } from '../i18n';
import { customFieldsOf, userName } from '../names';
import { useLocation } from '../router';
import { toast } from '../store';
import type { Company } from '../types';
import { Modal } from '../ui/dialogs';
import { dupHref, dupName, dupText, type DupEntity, type DupRecord } from '../ui/duplicates';
import { showError } from '../ui/errors';
import { FormActions, SelectField } from '../ui/fields';
import { customText, fieldLabel, FIELDS, valueText } from './dataFields';
import '../styles/data-pages.css';
import { LoadMore } from '../ui/loadMore';

interface Group {
  kind: string;
  score: number;
  evidence: string[];
  size: number;
  records: DupRecord[];
}

interface Merge {
  id: number;
  kept_id: number;
  merged_ids: number[];
}

type Full = DupRecord & { custom?: Record<string, unknown>; company_id?: number | null; created_at?: string; [k: string]: unknown };

const KINDS: Record<DupEntity, string[]> = {
  contacts: ['pesel', 'phone', 'email', 'name', 'similar_name'],
  companies: ['nip', 'phone', 'email', 'name', 'similar_name'],
};

export function DuplicatesPage() {
  const { query } = useLocation();
  const entity: DupEntity = query.get('entity') === 'companies' ? 'companies' : 'contacts';
  return <DupList key={entity} entity={entity} />;
}

function DupList({ entity }: { entity: DupEntity }) {
  const [kind, setKind] = useState('');
  const [groups, setGroups] = useState<Group[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [merging, setMerging] = useState<Group | null>(null);
  const [last, setLast] = useState<{ merge: Merge; name: string } | null>(null);
  const seq = useRef(0);

  const load = async (more = false) => {
    const n = ++seq.current;
    setLoading(true);
    try {
      const page = await api.get<Page<Group>>('/api/duplicates', { entity, kind, limit: 20, cursor: more ? cursor : null });
      if (n !== seq.current) return;
      setGroups((x) => (more ? [...x, ...page.items] : page.items));
      setCursor(page.next_cursor);
    } catch (e) {
      if (n === seq.current) showError(e);
    } finally {
      if (n === seq.current) setLoading(false);
    }
  };
  useEffect(() => {
    load();
  }, [kind]);

  const undo = async (m: Merge) => {
    try {
      await api.post(`/api/merges/${m.id}/undo`, {});
      toast(t('merge.undone'), 'success');
      setLast((x) => (x?.merge.id === m.id ? null : x));
      load();
    } catch (e) {
      showError(e);
    }
  };

  const merged = (r: { merge: Merge; record: Full }) => {
    setMerging(null);
    const gone = new Set([r.merge.kept_id, ...r.merge.merged_ids]);
    setGroups((gs) => gs.filter((g) => !g.records.some((x) => gone.has(x.id))));
    const name = dupName(entity, r.record);
    setLast({ merge: r.merge, name });
    toast(t('merge.done', { name }), 'success', { label: t('merge.undo'), run: () => undo(r.merge) });
  };

  return (
    <section class="page">
      <nav class="crumbs" aria-label={t('nav.crumbs')}>
        <a href={entity === 'companies' ? '/clients?tab=companies' : '/clients'}>{t('clients.title')}</a>
      </nav>
      <div class="page-head">
        <h1>{t('dup.title')}</h1>
      </div>
      <div class="tabs" role="tablist">
        <a role="tab" href="/duplicates?entity=contacts" aria-selected={entity === 'contacts'} class={entity === 'contacts' ? 'on' : ''}>
          {t('clients.people')}
        </a>
        <a role="tab" href="/duplicates?entity=companies" aria-selected={entity === 'companies'} class={entity === 'companies' ? 'on' : ''}>
          {t('clients.companies')}
        </a>
      </div>
      <div class="toolbar">
        <SelectField label={t('dup.kind')} value={kind} onChange={setKind} options={KINDS[entity].map((k) => [k, dupText('kind', entity, k)])} empty={t('common.all')} />
        <p class="hint dup-hint">{t('dup.hint')}</p>
      </div>
      {last && (
        <div class="notice dup-last" role="status">
          <span>
            {t('merge.doneInto')}{' '}
            <a href={dupHref(entity, last.merge.kept_id)}>{last.name}</a>
          </span>
          <button type="button" class="btn btn-small" onClick={() => undo(last.merge)}>
            {t('merge.undo')}
          </button>
        </div>
      )}
      <div class="dup-groups">
        {groups.map((g) => (
          <article key={g.records.map((r) => r.id).join('-')} class="panel dup-group" aria-label={g.records.map((r) => dupName(entity, r)).join(', ')}>
            <header class="dup-head">
              <span class="badge">{dupText('kind', entity, g.kind)}</span>
              <span class="dup-score" title={t('dup.scoreHint')}>
                <span class="dup-meter" aria-hidden="true">
                  <span style={{ width: Math.min(100, g.score) + '%' }} />
                </span>
                {t('dup.score', { score: g.score })}
              </span>
              <span class="dup-evidence">
                {t('dup.same')}:{' '}
                {g.evidence.map((e) => (
                  <span key={e} class="chip">
                    {dupText('ev', entity, e)}
                  </span>
                ))}
              </span>
              <button type="button" class="btn btn-primary btn-small push-right" onClick={() => setMerging(g)}>
                {t('merge.open')}
              </button>
            </header>
            <div class="dup-records">
              {g.records.map((r) => (
                <div key={r.id} class="dup-rec">
                  <a class="dup-name" href={dupHref(entity, r.id)}>
                    {dupName(entity, r)}
                  </a>
                  <dl>
                    {dupRows(entity, r).map(([k, v]) => (
                      <div key={k}>
                        <dt>{k}</dt>
                        <dd>{v}</dd>
                      </div>
                    ))}
                  </dl>
                </div>
              ))}
            </div>
          </article>
        ))}
      </div>
      {!loading && groups.length === 0 && <p class="muted empty">{t('dup.none')}</p>}
      <div class="list-foot">
        {loading && (
          <span class="muted" role="status">
            <span class="spinner" aria-hidden="true" /> {t('dup.searching')}
          </span>
        )}
        {!loading && cursor && (
          <LoadMore onMore={() => load(true)} />
        )}
      </div>
      {merging && <MergeDialog entity={entity} group={merging} onClose={() => setMerging(null)} onMerged={merged} />}
    </section>
  );
}

function dupRows(entity: DupEntity, r: DupRecord): [string, string][] {
  const rows: [string, string][] = [
    [fieldLabel(entity, 'phone'), valueText('phone', r.phone)],
    [fieldLabel(entity, 'email'), r.email ?? ''],
    [t('field.nip'), r.nip ?? ''],
    [t('field.pesel'), r.pesel ?? ''],
    [t('field.birth_date'), fmtDate(r.birth_date)],
    r.address ? [t('field.address'), [r.address, r.city].filter(Boolean).join(', ')] : [t('field.city'), r.city ?? ''],
    [t('field.owner'), userName(r.owner_id)],
    [t('field.updated_at'), fmtDateTime(r.updated_at)],
  ];
  return rows.filter(([, v]) => v);
}

const empty = (v: unknown) => v === null || v === undefined || v === '' || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/* pickKept: the record with the most values filled in, the oldest on a tie. */
function pickKept(recs: Full[], fields: string[]): number {
  const filled = (r: Full) => fields.filter((f) => !empty(r[f])).length + Object.values(r.custom ?? {}).filter((v) => !empty(v)).length;
  return [...recs].sort((a, b) => filled(b) - filled(a) || a.id - b.id)[0].id;
}

function MergeDialog(p: { entity: DupEntity; group: Group; onClose: () => void; onMerged: (r: { merge: Merge; record: Full }) => void }) {
  const [recs, setRecs] = useState<Full[] | null>(null);
  const [companies, setCompanies] = useState<Record<number, string>>({});
  const [kept, setKept] = useState(0);
  const [picked, setPicked] = useState<Record<string, number>>({}); // field -> record id, as the user chose
  const [customPick, setCustomPick] = useState(0); // 0: combine key by key
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState('');
  const [showSame, setShowSame] = useState(false);
  const fields = FIELDS[p.entity];
  const customs = customFieldsOf(p.entity);

  useEffect(() => {
    (async () => {
      try {
        // A record merged meanwhile answers with the one it lives on now.
        const got = await Promise.all(p.group.records.map((r) => api.get<Full>(`/api/${p.entity}/${r.id}`)));
        const seen = new Set<number>();
        const list = got.filter((r) => !seen.has(r.id) && !!seen.add(r.id));
        const cids = [...new Set(list.map((r) => r.company_id).filter((x): x is number => !!x))];
        const names: Record<number, string> = {};
        await Promise.all(
          cids.map((id) =>
            api
              .get<Company>(`/api/companies/${id}`)
              .then((c) => (names[id] = c.name))
              .catch(() => (names[id] = '#' + id)),
          ),
        );
        setCompanies(names);
        setRecs(list);
        setKept(pickKept(list, fields));
      } catch (e) {
        setFailed(t('merge.loadFailed'));
        showError(e);
      }
    })();
  }, []);

  const title = t('merge.title');
  if (failed || !recs)
    return (
      <Modal title={title} onClose={p.onClose} wide labelId="merge-title">
        {failed ? <p class="form-error">{failed}</p> : <p class="muted">{t('common.loading')}</p>}
      </Modal>
    );
  if (recs.length < 2)
    return (
      <Modal title={title} onClose={p.onClose} wide labelId="merge-title">
        <p>{t('merge.already')}</p>
        <div class="form-actions">
          <button type="button" class="btn" onClick={p.onClose}>
            {t('action.close')}
          </button>
        </div>
      </Modal>
    );

  const keptRec = recs.find((r) => r.id === kept)!;
  const others = recs.filter((r) => r.id !== kept);
  // What the server does without a preference: the kept value, else the
  // first value among the others in the order sent.
  const defaultOf = (f: string): number => (!empty(keptRec[f]) ? kept : others.find((r) => !empty(r[f]))?.id ?? kept);
  const choice = (f: string): number => (picked[f] && recs.some((r) => r.id === picked[f]) ? picked[f] : defaultOf(f));
  const rows = fields.filter((f) => recs.some((r) => !empty(r[f])));
  const isSame = (f: string) => recs.every((r) => same(r[f], recs[0][f]));
  const sameCount = rows.filter(isSame).length;
  const hasCustom = recs.some((r) => !empty(r.custom));
  const show = (f: string, r: Full) => valueText(f, r[f], (id) => companies[id] ?? '#' + id);
  const customSummary = (r: Full) =>
    customs
      .map((f) => [f.label, customText(f, r.custom?.[f.name])])
      .filter(([, v]) => v)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ');

  const submit = async () => {
    const prefer: Record<string, number> = {};
    for (const f of rows) {
      const c = choice(f);
      const d = defaultOf(f);
      const cv = recs.find((r) => r.id === c)![f];
      const dv = recs.find((r) => r.id === d)![f];
      if (c !== d && !same(cv, dv)) prefer[f] = c;
    }
    if (customPick && recs.some((r) => r.id === customPick)) prefer.custom = customPick;
    setBusy(true);
    try {
      const r = await api.post<{ merge: Merge; record: Full }>(`/api/${p.entity}/${kept}/merge`, { ids: others.map((x) => x.id), prefer });
      p.onMerged(r);
    } catch (e) {
      showError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title={title} onClose={p.onClose} wide labelId="merge-title">
      <p class="hint">{t('merge.intro')}</p>
      <div class="table-wrap merge-wrap">
        <table class="list merge-table">
          <thead>
            <tr>
              <th scope="col">{t('merge.field')}</th>
              {recs.map((r) => (
                <th key={r.id} scope="col" class={r.id === kept ? 'is-kept' : ''}>
                  <label class="merge-keep">
                    <input type="radio" name="merge-keep" checked={r.id === kept} onChange={() => setKept(r.id)} aria-label={t('merge.keepNamed', { name: dupName(p.entity, r) })} />
                    <span>{r.id === kept ? t('merge.kept') : t('merge.keep')}</span>
                  </label>
                  <a href={dupHref(p.entity, r.id)} target="_blank" rel="noopener" class="merge-name">
                    {dupName(p.entity, r)}
                  </a>
                  <span class="muted merge-meta">{t('merge.createdAt', { date: fmtDate(r.created_at) })}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows
              .filter((f) => showSame || !isSame(f))
              .map((f) => {
              const allSame = isSame(f);
              const label = fieldLabel(p.entity, f);
              return (
                <tr key={f} class={allSame ? 'merge-same' : ''}>
                  <th scope="row">{label}</th>
                  {recs.map((r) => (
                    <td key={r.id} data-rec={dupName(p.entity, r)} class={(r.id === kept ? 'is-kept ' : '') + (!allSame && choice(f) === r.id ? 'is-chosen' : '')}>
                      {allSame ? (
                        <span>{show(f, r) || '—'}</span>
                      ) : (
                        <label class="merge-cell">
                          <input
                            type="radio"
                            name={'merge-' + f}
                            checked={choice(f) === r.id}
                            onChange={() => setPicked((x) => ({ ...x, [f]: r.id }))}
                            aria-label={`${label}: ${show(f, r) || t('merge.emptyValue')} (${dupName(p.entity, r)})`}
                          />
                          <span class={show(f, r) ? '' : 'muted'}>{show(f, r) || '—'}</span>
                        </label>
                      )}
                    </td>
                  ))}
                </tr>
              );
            })}
            {hasCustom && (
              <tr>
                <th scope="row">{t('merge.custom')}</th>
                {recs.map((r) => (
                  <td key={r.id} data-rec={dupName(p.entity, r)} class={(r.id === kept ? 'is-kept ' : '') + (customPick === r.id ? 'is-chosen' : '')}>
                    <label class="merge-cell">
                      <input
                        type="radio"
                        name="merge-custom"
                        checked={customPick === r.id}
                        onChange={() => setCustomPick(r.id)}
                        aria-label={`${t('merge.custom')}: ${customSummary(r) || t('merge.emptyValue')} (${dupName(p.entity, r)})`}
                      />
                      <span class={customSummary(r) ? '' : 'muted'}>{customSummary(r) || '—'}</span>
                    </label>
                  </td>
                ))}
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {sameCount > 0 && (
        <label class="merge-combine">
          <input type="checkbox" checked={showSame} onChange={(e) => setShowSame((e.target as HTMLInputElement).checked)} />{' '}
          {t('merge.showSame', { n: sameCount })}
        </label>
      )}
      {hasCustom && (
        <label class="merge-combine">
          <input type="radio" name="merge-custom" checked={customPick === 0} onChange={() => setCustomPick(0)} /> {t('merge.customCombine')}
        </label>
      )}
      <p class="merge-summary">{t('merge.summary', { n: others.length, name: dupName(p.entity, keptRec) })}</p>
      <FormActions label={busy ? t('common.wait') : t('merge.confirm')} busy={busy} onGo={submit} onCancel={p.onClose} />
    </Modal>
  );
}
