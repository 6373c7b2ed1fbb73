// clients.tsx: the list of people (and of companies): search as you type,
// filters, sort, chosen and ordered columns (kept per user in this
// browser), bulk archive, and "load more" through the API's cursors.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Page, type Query } from '../api';
import { fmtDate, fmtDateTime, fmtPhone } from '../fmt';
import { t, type Key } from '../i18n';
import { contactName, userName } from '../names';
import { navigate, replaceQuery, routeEpoch, useLocation } from '../router';
import { me, toast } from '../store';
import type { Company, Contact } from '../types';
import { Modal } from '../ui/dialogs';
import { showError } from '../ui/errors';
import { CheckField, SelectField, TextField } from '../ui/fields';
import { RecordForm } from '../ui/recordForm';
import type { DupEntity } from '../ui/duplicates';
import { ExportMenu, LazyDialog } from '../ui/transfer';
import { companySpecs, contactSpecs, kindOpts } from './specs';
import { LoadMore } from '../ui/loadMore';
import { FilterBar, ListCount, SortTh } from '../ui/listBits';

type Tab = 'people' | 'companies';

interface Column {
  key: string;
  label: Key;
  value: (r: Contact & Company) => string;
}

const PEOPLE_COLUMNS: Column[] = [
  { key: 'phone', label: 'field.phone', value: (r) => fmtPhone(r.phone) },
  { key: 'email', label: 'field.email', value: (r) => r.email ?? '' },
  { key: 'city', label: 'field.city', value: (r) => r.city ?? '' },
  { key: 'kind', label: 'field.ckind', value: (r) => t(('ckind.' + r.kind) as Key) },
  { key: 'owner_id', label: 'field.owner', value: (r) => userName(r.owner_id) },
  { key: 'status', label: 'field.cstatus', value: (r) => t(('cstatus.' + r.status) as Key) },
  { key: 'address', label: 'field.address', value: (r) => r.address ?? '' },
  { key: 'birth_date', label: 'field.birth_date', value: (r) => fmtDate(r.birth_date) },
  { key: 'updated_at', label: 'field.updated_at', value: (r) => fmtDateTime(r.updated_at) },
  { key: 'created_at', label: 'field.created_at', value: (r) => fmtDateTime(r.created_at) },
];

const COMPANY_COLUMNS: Column[] = [
  { key: 'nip', label: 'field.nip', value: (r) => r.nip ?? '' },
  { key: 'phone', label: 'field.phone', value: (r) => fmtPhone(r.phone) },
  { key: 'email', label: 'field.email', value: (r) => r.email ?? '' },
  { key: 'city', label: 'field.city', value: (r) => r.city ?? '' },
  { key: 'owner_id', label: 'field.owner', value: (r) => userName(r.owner_id) },
  { key: 'updated_at', label: 'field.updated_at', value: (r) => fmtDateTime(r.updated_at) },
];

const DEFAULT_COLS: Record<Tab, string[]> = {
  people: ['phone', 'email', 'city', 'kind', 'owner_id'],
  companies: ['nip', 'phone', 'city', 'owner_id'],
};

interface Prefs {
  cols: string[];
  sort: string;
  kind: string;
  archived: string;
  mine: boolean;
}

function prefsKey(tab: Tab): string {
  return `kontakt.list.${tab}.${me().id}`;
}

const URL_KEYS = ['q', 'sort', 'kind', 'archived', 'mine'];

/* loadPrefs: the columns kept in this browser; the filters and sort from
 * the address when it has any (a reload, Back, a shared link), else the
 * ones last used here. */
function loadPrefs(tab: Tab): Prefs {
  const d: Prefs = { cols: DEFAULT_COLS[tab], sort: '-updated_at', kind: '', archived: 'false', mine: false };
  let p = d;
  try {
    p = { ...d, ...JSON.parse(localStorage.getItem(prefsKey(tab)) || '{}') };
  } catch {
    p = d;
  }
  const u = new URLSearchParams(location.search);
  if (!URL_KEYS.some((k) => u.has(k))) return p;
  return {
    ...p,
    sort: u.get('sort') || d.sort,
    kind: u.get('kind') ?? '',
    archived: u.has('archived') ? (u.get('archived') === 'all' ? '' : u.get('archived')!) : d.archived,
    mine: u.get('mine') === '1',
  };
}

/* Columns the API sorts by (F_SORT fields and the times). */
const SORTABLE = new Set(['updated_at', 'created_at']);
/* The columns a card shows besides the name: the status, then two. */
const CARD_STATUS = new Set(['kind', 'status']);

/* listFilter: the list's parameters as a bulk e-mail's filter (no paging, nothing empty). */
function listFilter(q: Query): Query {
  return Object.fromEntries(Object.entries(q).filter(([k, v]) => k !== 'limit' && k !== 'cursor' && v !== '' && v !== null && v !== undefined));
}

/* cellClass: phones and e-mails never wrap inside (tok); columns a card leaves out (card-extra). */
function cellClass(key: string, card: Set<string>): string {
  return [key === 'phone' || key === 'email' ? 'tok' : '', card.has(key) ? '' : 'card-extra'].filter(Boolean).join(' ');
}

function ColumnPicker(p: { all: Column[]; cols: string[]; onChange: (c: string[]) => void; onClose: () => void }) {
  const chosen = p.cols.filter((c) => p.all.some((x) => x.key === c));
  const rest = p.all.filter((c) => !chosen.includes(c.key));
  const move = (i: number, d: number) => {
    const c = [...chosen];
    const j = i + d;
    if (j < 0 || j >= c.length) return;
    [c[i], c[j]] = [c[j], c[i]];
    p.onChange(c);
  };
  const label = (k: string) => t(p.all.find((x) => x.key === k)!.label);
  return (
    <Modal title={t('clients.columns')} onClose={p.onClose} labelId="cols-title">
      <ul class="col-list">
        {chosen.map((k, i) => (
          <li key={k}>
            <CheckField label={label(k)} checked onChange={() => p.onChange(chosen.filter((x) => x !== k))} />
            <button type="button" class="btn-icon" aria-label={t('action.moveUp') + ': ' + label(k)} disabled={i === 0} onClick={() => move(i, -1)}>
              ↑
            </button>
            <button
              type="button"
              class="btn-icon"
              aria-label={t('action.moveDown') + ': ' + label(k)}
              disabled={i === chosen.length - 1}
              onClick={() => move(i, 1)}
            >
              ↓
            </button>
          </li>
        ))}
        {rest.map((c) => (
          <li key={c.key}>
            <CheckField label={t(c.label)} checked={false} onChange={() => p.onChange([...chosen, c.key])} />
          </li>
        ))}
      </ul>
      <div class="form-actions">
        <button type="button" class="btn btn-primary" onClick={p.onClose}>
          {t('action.close')}
        </button>
      </div>
    </Modal>
  );
}

export function ClientsPage() {
  const { query } = useLocation();
  const tab: Tab = query.get('tab') === 'companies' ? 'companies' : 'people';
  // ?q= (from the global search's "show all", or a reload) starts the list
  // searched; the list writes its own filters back with replaceQuery.
  const q = query.get('q') ?? '';
  return <ClientList key={tab + '\n' + routeEpoch()} tab={tab} openNew={query.get('new') === '1'} initialQ={q} />;
}

function ClientList({ tab, openNew, initialQ }: { tab: Tab; openNew: boolean; initialQ: string }) {
  const entity = tab === 'people' ? 'contacts' : 'companies';
  const allCols = tab === 'people' ? PEOPLE_COLUMNS : COMPANY_COLUMNS;
  const [prefs, setPrefs] = useState<Prefs>(() => loadPrefs(tab));
  const [q, setQ] = useState(initialQ);
  const [qLive, setQLive] = useState(initialQ);
  const [items, setItems] = useState<(Contact & Company)[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [picker, setPicker] = useState(false);
  const [creating, setCreating] = useState(openNew);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [importing, setImporting] = useState(false);
  const [mailing, setMailing] = useState<number[] | null>(null); // chosen ids; [] = the whole filtered list
  const [count, setCount] = useState<number | null>(null);
  const seq = useRef(0);

  const updatePrefs = (p: Partial<Prefs>) => {
    const next = { ...prefs, ...p };
    setPrefs(next);
    localStorage.setItem(prefsKey(tab), JSON.stringify(next));
  };

  useEffect(() => {
    const h = setTimeout(() => setQ(qLive.trim()), 250);
    return () => clearTimeout(h);
  }, [qLive]);

  const params = (): Query => {
    const p: Query = { q, sort: prefs.sort, limit: 50 };
    if (prefs.mine) p.owner_id = me().id;
    if (tab === 'people') {
      if (prefs.kind) p.kind = prefs.kind;
      if (prefs.archived) p.archived = prefs.archived;
    }
    return p;
  };

  const load = async (more = false) => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const page = await api.get<Page<Contact & Company> & { count?: number }>(`/api/${entity}`, { ...params(), cursor: more ? cursor : null, count: more ? null : 1 });
      if (mine !== seq.current) return;
      if (!more) setCount(page.count ?? null);
      setItems((x) => (more ? [...x, ...page.items] : page.items));
      setCursor(page.next_cursor);
      if (!more) setSelected(new Set());
    } catch (e) {
      if (mine === seq.current) showError(e);
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  };

  useEffect(() => {
    load();
    replaceQuery({
      q: q || null,
      sort: prefs.sort,
      kind: tab === 'people' ? prefs.kind : null,
      archived: tab === 'people' ? prefs.archived || 'all' : null,
      mine: prefs.mine ? '1' : null,
    });
  }, [q, prefs.sort, prefs.kind, prefs.archived, prefs.mine]);

  const cols = prefs.cols.map((k) => allCols.find((c) => c.key === k)).filter(Boolean) as Column[];
  // A card (phone widths) shows the status and the first two other chosen columns.
  const cardCols = new Set([...cols.filter((c) => CARD_STATUS.has(c.key)).map((c) => c.key), ...cols.filter((c) => !CARD_STATUS.has(c.key)).slice(0, 2).map((c) => c.key)]);

  const bulkArchive = async (archived: boolean) => {
    let n = 0;
    for (const r of items.filter((x) => selected.has(x.id))) {
      try {
        await api.patch(`/api/contacts/${r.id}`, { archived, version: r.version });
        n++;
      } catch (e) {
        await showError(e);
      }
    }
    toast(t('clients.bulkDone', { n }), 'success');
    load();
  };

  const toggleAll = (on: boolean) => setSelected(on ? new Set(items.map((x) => x.id)) : new Set());
  const sortOpts: [string, string][] =
    tab === 'people'
      ? [
          ['-updated_at', t('sort.updated')],
          ['last_name', t('sort.lastName')],
          ['first_name', t('sort.firstName')],
          ['-created_at', t('sort.created')],
        ]
      : [
          ['-updated_at', t('sort.updated')],
          ['name', t('sort.name')],
          ['-created_at', t('sort.created')],
        ];

  // A header click may sort by what the menu does not name: name it too.
  if (!sortOpts.some(([v]) => v === prefs.sort)) {
    const key = prefs.sort.replace(/^-/, '');
    const col = allCols.find((c) => c.key === key);
    const label = col ? t(col.label) : key === 'last_name' ? t('field.person') : key === 'name' ? t('field.name') : key;
    sortOpts.push([prefs.sort, label + (prefs.sort.startsWith('-') ? ' ▼' : ' ▲')]);
  }

  return (
    <section class="page">
      <div class="page-head">
        <h1>{t('clients.title')}</h1>
        <div class="page-actions">
          <a class="btn" href={`/duplicates?entity=${entity}`}>
            {t('data.duplicates')}
          </a>
          <button type="button" class="btn" onClick={() => setImporting(true)}>
            {t('data.import')}
          </button>
          {tab === 'people' && (
            <button type="button" class="btn" onClick={() => setMailing([])} disabled={!loading && items.length === 0}>
              {t('bulk.openList')}
            </button>
          )}
          <button type="button" class="btn btn-primary" onClick={() => setCreating(true)}>
            + {tab === 'people' ? t('clients.new') : t('companies.new')}
          </button>
        </div>
      </div>
      <div class="tabs" role="tablist">
        <a role="tab" href="/clients" aria-selected={tab === 'people'} class={tab === 'people' ? 'on' : ''}>
          {t('clients.people')}
        </a>
        <a role="tab" href="/clients?tab=companies" aria-selected={tab === 'companies'} class={tab === 'companies' ? 'on' : ''}>
          {t('clients.companies')}
        </a>
      </div>
      <FilterBar
        search={
          <TextField class="grow" label={t('clients.search')} type="search" value={qLive} onInput={setQLive} placeholder={t(tab === 'people' ? 'clients.searchHint' : 'companies.searchHint')} />
        }
      >
        {tab === 'people' && (
          <SelectField label={t('field.ckind')} value={prefs.kind} onChange={(v) => updatePrefs({ kind: v })} options={kindOpts()} empty={t('common.all')} />
        )}
        {tab === 'people' && (
          <SelectField
            label={t('clients.archivedFilter')}
            value={prefs.archived}
            onChange={(v) => updatePrefs({ archived: v })}
            options={[
              ['false', t('clients.notArchived')],
              ['true', t('clients.onlyArchived')],
            ]}
            empty={t('common.all')}
          />
        )}
        <SelectField label={t('clients.sort')} value={prefs.sort} onChange={(v) => updatePrefs({ sort: v })} options={sortOpts} />
        <CheckField label={t('clients.mine')} checked={prefs.mine} onChange={(v) => updatePrefs({ mine: v })} />
        <button type="button" class="btn" onClick={() => setPicker(true)}>
          {t('clients.columns')}
        </button>
        <ExportMenu entity={entity} params={params()} columns={[...(tab === 'people' ? ['first_name', 'last_name'] : ['name']), ...cols.map((c) => c.key)]} />
      </FilterBar>
      <ListCount n={loading && count === null ? null : count} />
      {tab === 'people' && selected.size > 0 && (
        <div class="bulkbar" role="region" aria-label={t('clients.bulk')}>
          <span>{t('clients.selected', { n: selected.size })}</span>
          <button type="button" class="btn btn-small" onClick={() => bulkArchive(true)}>
            {t('action.archive')}
          </button>
          <button type="button" class="btn btn-small" onClick={() => bulkArchive(false)}>
            {t('action.restore')}
          </button>
          <button type="button" class="btn btn-small" onClick={() => setMailing([...selected])}>
            {t('bulk.open')}
          </button>
        </div>
      )}
      <div class="table-wrap">
        <table class="list cards">
          <thead>
            <tr>
              {tab === 'people' && (
                <th class="col-check">
                  <input
                    type="checkbox"
                    aria-label={t('clients.selectAll')}
                    checked={items.length > 0 && selected.size === items.length}
                    onChange={(e) => toggleAll((e.target as HTMLInputElement).checked)}
                  />
                </th>
              )}
              <SortTh
                field={tab === 'people' ? 'last_name' : 'name'}
                sort={prefs.sort}
                label={tab === 'people' ? t('field.person') : t('field.name')}
                onSort={(v) => updatePrefs({ sort: v })}
              />
              {cols.map((c) =>
                SORTABLE.has(c.key) ? (
                  <SortTh key={c.key} field={c.key} sort={prefs.sort} label={t(c.label)} onSort={(v) => updatePrefs({ sort: v })} />
                ) : (
                  <th key={c.key}>{t(c.label)}</th>
                ),
              )}
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id} class={r.archived ? 'archived' : r.status === 'finished' ? 'finished' : ''}>
                {tab === 'people' && (
                  <td class="col-check">
                    <input
                      type="checkbox"
                      aria-label={t('clients.selectOne', { name: contactName(r) })}
                      checked={selected.has(r.id)}
                      onChange={(e) => {
                        const s = new Set(selected);
                        (e.target as HTMLInputElement).checked ? s.add(r.id) : s.delete(r.id);
                        setSelected(s);
                      }}
                    />
                  </td>
                )}
                <td class="card-name">
                  <a href={tab === 'people' ? `/clients/${r.id}` : `/companies/${r.id}`}>{tab === 'people' ? contactName(r) : r.name}</a>
                  {r.archived && <span class="badge badge-muted">{t('clients.archived')}</span>}
                </td>
                {cols.map((c) => (
                  <td key={c.key} data-label={t(c.label)} class={cellClass(c.key, cardCols)}>
                    {c.value(r) || null}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!loading && items.length === 0 && <p class="muted empty">{t('clients.none')}</p>}
      <div class="list-foot">
        {loading && <span class="muted">{t('common.loading')}</span>}
        {!loading && cursor && (
          <LoadMore onMore={() => load(true)} />
        )}
      </div>
      {importing && (
        <LazyDialog
          load={() => import('./import').then((m) => m.ImportDialog)}
          props={{ entity: entity as DupEntity, onClose: () => setImporting(false), onImported: () => void load() }}
        />
      )}
      {mailing && (
        <LazyDialog
          load={() => import('./bulkmail').then((m) => m.BulkMailDialog)}
          props={{ ids: mailing, filter: listFilter(params()), onClose: () => setMailing(null) }}
        />
      )}
      {picker && <ColumnPicker all={allCols} cols={prefs.cols} onChange={(c) => updatePrefs({ cols: c })} onClose={() => setPicker(false)} />}
      {creating && (
        <Modal title={tab === 'people' ? t('clients.new') : t('companies.new')} onClose={() => setCreating(false)} wide labelId="new-client-title">
          <RecordForm<Contact & Company>
            entity={entity}
            specs={tab === 'people' ? contactSpecs() : companySpecs()}
            customEntity={entity}
            checkDuplicates
            defaults={{ kind: 'lead', owner_id: me().id, visibility: 'company' }}
            submitLabel={t('action.create')}
            onCancel={() => setCreating(false)}
            onSaved={(r) => {
              setCreating(false);
              toast(t('common.saved'), 'success');
              navigate(tab === 'people' ? `/clients/${r.id}` : `/companies/${r.id}`);
            }}
          />
        </Modal>
      )}
    </section>
  );
}
