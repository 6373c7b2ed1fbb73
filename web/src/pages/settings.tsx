// settings.tsx: the office's settings, for admins: users, departments,
// statuses, action types, close reasons, custom fields (with colour pickers
// where they have colours; order by position), and the first-activity rule.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Page } from '../api';
import { t, tn, type Key } from '../i18n';
import { departmentName, loadLookups } from '../names';
import { me, toast } from '../store';
import type { Rec } from '../types';
import { confirmDialog, Modal } from '../ui/dialogs';
import { noErrors, showError, type FormErrors } from '../ui/errors';
import { CheckField, FormError, TextField } from '../ui/fields';
import { RecordForm, type Spec } from '../ui/recordForm';

type Row = Rec & Record<string, unknown>;

interface Col {
  label: Key;
  render: (r: Row) => ComponentChildren;
}

interface TabDef {
  key: string;
  label: Key;
  entity: string;
  specs: () => Spec[];
  cols: Col[];
  defaults?: Record<string, unknown>;
  sort?: string;
  groups?: () => [string, string][]; // shown in groups by r.entity, with these headings
}

const entityOpts = (): [string, string][] => [
  ['inquiries', t('entity.inquiries')],
  ['contacts', t('entity.contacts')],
  ['deals', t('entity.deals')],
];
const kinds = (): [string, string][] => (['task', 'call', 'meeting', 'email'] as const).map((k) => [k, t(('kind.' + k) as Key)]);

function Swatch({ r }: { r: Row }) {
  return (
    <span class="badge" style={{ color: (r.color as string) || undefined, background: (r.background as string) || undefined }}>
      {(r.short_name as string) || tn(r as unknown as { name: string; name_en: string | null })}
    </span>
  );
}

/* timeZones: the zones the browser knows (IANA names), Europe/Warsaw
 * first and UTC last; the server checks the choice against its own tz
 * database.  A browser without the list gets a short one. */
export function timeZones(): [string, string][] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  let all: string[] = [];
  try {
    all = intl.supportedValuesOf ? intl.supportedValuesOf('timeZone') : [];
  } catch {
    all = [];
  }
  if (!all.length) all = ['Europe/London', 'Europe/Berlin', 'Europe/Kyiv', 'America/New_York'];
  const rest = all.filter((z) => z !== 'Europe/Warsaw' && z !== 'UTC');
  return ['Europe/Warsaw', ...rest, 'UTC'].map((z) => [z, z.replace(/_/g, ' ')]);
}

const text = (k: string) => (r: Row) => (r[k] === null || r[k] === undefined ? '' : String(r[k]));

const TABS: TabDef[] = [
  {
    key: 'users',
    label: 'settings.users',
    entity: 'users',
    sort: 'name',
    defaults: { role: 'agent', time_zone: 'Europe/Warsaw', locale: 'pl', active: true },
    specs: () => [
      { name: 'login', label: 'field.login', type: 'text', required: true, createOnly: true },
      { name: 'name', label: 'field.fullName', type: 'text' },
      { name: 'email', label: 'field.email', type: 'email' },
      {
        name: 'role',
        label: 'field.role',
        type: 'select',
        options: (['admin', 'manager', 'agent'] as const).map((r) => [r, t(('role.' + r) as Key)]),
      },
      { name: 'department_id', label: 'field.department', type: 'department' },
      { name: 'time_zone', label: 'field.time_zone', type: 'select', options: timeZones() },
      { name: 'locale', label: 'field.locale', type: 'select', options: [['pl', 'Polski'], ['en', 'English']] },
      { name: 'password', label: 'field.password', type: 'password', hint: 'settings.passwordHint' },
      { name: 'active', label: 'field.active', type: 'check' },
    ],
    cols: [
      { label: 'field.login', render: text('login') },
      { label: 'field.fullName', render: text('name') },
      { label: 'field.role', render: (r) => t(('role.' + r.role) as Key) },
      { label: 'field.department', render: (r) => departmentName(r.department_id as number) },
      { label: 'field.active', render: (r) => (r.active ? '✓' : '—') },
    ],
  },
  {
    key: 'departments',
    label: 'settings.departments',
    entity: 'departments',
    specs: () => [{ name: 'name', label: 'field.name', type: 'text', required: true, wide: true }],
    cols: [{ label: 'field.name', render: text('name') }],
  },
  {
    key: 'statuses',
    label: 'settings.statuses',
    entity: 'statuses',
    sort: 'position',
    defaults: { entity: 'inquiries', color: '#1e3a8a', background: '#dbeafe' }, // position: newStatusPosition
    groups: entityOpts,
    specs: () => [
      { name: 'entity', label: 'field.entity', type: 'select', options: entityOpts(), createOnly: true },
      { name: 'name', label: 'field.name', type: 'text', required: true },
      { name: 'name_en', label: 'field.name_en', type: 'text' },
      { name: 'short_name', label: 'field.short_name', type: 'text' },
      { name: 'color', label: 'field.color', type: 'color' },
      { name: 'background', label: 'field.background', type: 'color' },
      { name: 'position', label: 'field.position', type: 'number' },
      { name: 'closed', label: 'field.closed', type: 'check' },
      { name: 'outcome', label: 'field.outcome', type: 'select', options: [['won', t('outcome.won')], ['lost', t('outcome.lost')]], empty: '—' },
    ],
    cols: [
      { label: 'field.entity', render: (r) => t(('entity.' + r.entity) as Key) },
      { label: 'field.name', render: (r) => <Swatch r={{ ...r, short_name: null }} /> },
      { label: 'field.short_name', render: text('short_name') },
      { label: 'field.position', render: text('position') },
      { label: 'field.closed', render: (r) => (r.closed ? t(('outcome.' + (r.outcome ?? 'closed')) as Key) : '') },
    ],
  },
  {
    key: 'action_types',
    label: 'settings.actionTypes',
    entity: 'action_types',
    sort: 'position',
    defaults: { kind: 'task', color: '#ffffff', background: '#2563eb', position: 100 },
    specs: () => [
      { name: 'name', label: 'field.name', type: 'text', required: true },
      { name: 'name_en', label: 'field.name_en', type: 'text' },
      { name: 'short_name', label: 'field.short_name', type: 'text' },
      { name: 'kind', label: 'field.kind', type: 'select', options: kinds() },
      { name: 'color', label: 'field.color', type: 'color' },
      { name: 'background', label: 'field.background', type: 'color' },
      { name: 'position', label: 'field.position', type: 'number' },
    ],
    cols: [
      { label: 'field.name', render: (r) => tn(r as unknown as { name: string; name_en: string | null }) },
      { label: 'field.short_name', render: (r) => <Swatch r={r} /> },
      { label: 'field.kind', render: (r) => t(('kind.' + r.kind) as Key) },
      { label: 'field.position', render: text('position') },
    ],
  },
  {
    key: 'close_reasons',
    label: 'settings.closeReasons',
    entity: 'close_reasons',
    sort: 'position',
    defaults: { entity: 'contacts', position: 100 },
    specs: () => [
      { name: 'entity', label: 'field.entity', type: 'select', options: entityOpts(), createOnly: true },
      { name: 'name', label: 'field.name', type: 'text', required: true },
      { name: 'name_en', label: 'field.name_en', type: 'text' },
      { name: 'position', label: 'field.position', type: 'number' },
    ],
    cols: [
      { label: 'field.entity', render: (r) => t(('entity.' + r.entity) as Key) },
      { label: 'field.name', render: (r) => tn(r as unknown as { name: string; name_en: string | null }) },
      { label: 'field.position', render: text('position') },
    ],
  },
  {
    key: 'custom_fields',
    label: 'settings.customFields',
    entity: 'custom_fields',
    sort: 'position',
    defaults: { entity: 'contacts', type: 'text', position: 100 },
    specs: () => [
      {
        name: 'entity',
        label: 'field.entity',
        type: 'select',
        createOnly: true,
        options: [
          ['contacts', t('entity.contacts')],
          ['companies', t('entity.companies')],
          ['inquiries', t('entity.inquiries')],
        ],
      },
      { name: 'name', label: 'field.key', type: 'text', required: true, createOnly: true, hint: 'settings.keyHint' },
      { name: 'label', label: 'field.label', type: 'text', required: true },
      {
        name: 'type',
        label: 'field.ftype',
        type: 'select',
        createOnly: true,
        options: (['text', 'number', 'currency', 'date', 'select'] as const).map((x) => [x, t(('ftype.' + x) as Key)]),
      },
      { name: 'position', label: 'field.position', type: 'number' },
      { name: 'required', label: 'field.required', type: 'check' },
      { name: 'options', label: 'field.options', type: 'options', wide: true, hint: 'settings.optionsHint' },
    ],
    cols: [
      { label: 'field.entity', render: (r) => t(('entity.' + r.entity) as Key) },
      { label: 'field.label', render: text('label') },
      { label: 'field.key', render: (r) => <code>{String(r.name)}</code> },
      { label: 'field.ftype', render: (r) => t(('ftype.' + r.type) as Key) },
      { label: 'field.position', render: text('position') },
    ],
  },
];

/* newStatusPosition: where a new inquiry status goes by default: after the
 * open ones, before the closed ones (won, lost), which end the board;
 * after the last one when none is closed (or no whole number fits between). */
export function newStatusPosition(rows: Row[], entity = 'inquiries'): number {
  const mine = rows.filter((r) => r.entity === entity);
  const pos = (r: Row) => Number(r.position) || 0;
  const last = mine.reduce((m, r) => Math.max(m, pos(r)), 0);
  const closed = mine.filter((r) => r.closed).map(pos);
  if (!closed.length) return last + 10;
  const firstClosed = Math.min(...closed);
  const open = mine.filter((r) => !r.closed && pos(r) < firstClosed).map(pos);
  const before = open.length ? Math.max(...open) : -1;
  if (firstClosed - before < 2) return last + 10;
  return before + Math.max(1, Math.min(10, Math.floor((firstClosed - before) / 2)));
}

function Table({ def }: { def: TabDef }) {
  const [rows, setRows] = useState<Row[] | null>(null);
  const [edit, setEdit] = useState<Row | 'new' | null>(null);
  const load = async () => {
    try {
      const p = await api.get<Page<Row>>(`/api/${def.entity}`, { limit: 500, sort: def.sort });
      setRows(p.items);
    } catch (e) {
      showError(e);
    }
  };
  useEffect(() => {
    load();
  }, [def.key]);
  const saved = async () => {
    setEdit(null);
    toast(t('common.saved'), 'success');
    await load();
    await loadLookups();
  };
  const remove = async (r: Row) => {
    if (!(await confirmDialog(t('settings.deleteConfirm'), t('action.delete')))) return;
    try {
      await api.del(`/api/${def.entity}/${r.id}`);
      await saved();
    } catch (e) {
      showError(e);
    }
  };
  const cols = def.cols;
  // grouped tables share their column widths (fixed layout), so they line up
  const grid = (list: Row[], cs: Col[], fixed = false) => (
    <div class="table-wrap">
      <table class="list" style={fixed ? { tableLayout: 'fixed' } : undefined}>
        <thead>
          <tr>
            {cs.map((c) => (
              <th key={c.label}>{t(c.label)}</th>
            ))}
            <th>
              <span class="sr-only">{t('common.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.map((r) => (
            <tr key={r.id}>
              {cs.map((c) => (
                <td key={c.label}>{c.render(r)}</td>
              ))}
              <td class="row-actions">
                <button type="button" class="btn btn-small" onClick={() => setEdit(r)}>
                  {t('action.edit')}
                </button>
                <button type="button" class="btn btn-small btn-danger" onClick={() => remove(r)}>
                  {t('action.delete')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
  return (
    <div>
      <div class="toolbar">
        <button type="button" class="btn btn-primary" onClick={() => setEdit('new')}>
          + {t(('settings.new.' + def.key) as Key)}
        </button>
      </div>
      {def.groups && rows ? (
        def.groups().map(([key, label]) => {
          const mine = rows.filter((r) => r.entity === key);
          return (
            <section key={key} class="settings-group" aria-labelledby={`grp-${def.key}-${key}`} style={{ marginTop: '1.5rem' }}>
              <h2 id={`grp-${def.key}-${key}`} class="settings-group-title">
                {label} <span class="muted">({mine.length})</span>
              </h2>
              {mine.length ? grid(mine, cols.filter((c) => c.label !== 'field.entity'), true) : <p class="muted">{t('settings.groupEmpty')}</p>}
            </section>
          );
        })
      ) : (
        grid(rows ?? [], cols)
      )}
      {!rows && <p class="muted">{t('common.loading')}</p>}
      {edit && (
        <Modal title={t(((edit === 'new' ? 'settings.new.' : 'settings.edit.') + def.key) as Key)} onClose={() => setEdit(null)} wide labelId="settings-edit">
          <RecordForm<Row>
            entity={def.entity}
            specs={def.specs()}
            record={edit === 'new' ? null : edit}
            defaults={def.key === 'statuses' ? { ...def.defaults, position: newStatusPosition(rows ?? []) } : def.defaults}
            onCancel={() => setEdit(null)}
            onReload={() => {
              setEdit(null);
              load();
            }}
            onSaved={saved}
          />
        </Modal>
      )}
    </div>
  );
}

function Office() {
  const [s, setS] = useState<Record<string, number> | null>(null);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  useEffect(() => {
    api.get<Record<string, number>>('/api/settings').then(setS, (e) => showError(e));
  }, []);
  if (!s) return <p class="muted">{t('common.loading')}</p>;
  const save = async (e: Event) => {
    e.preventDefault();
    setErrors(noErrors);
    try {
      setS(await api.patch<Record<string, number>>('/api/settings', s));
      toast(t('common.saved'), 'success');
    } catch (err) {
      showError(err, { setErrors });
    }
  };
  return (
    <form class="form-grid narrow" onSubmit={save}>
      <CheckField class="span-2" label={t('settings.autoplan')} checked={!!s.autoplan_enabled} onChange={(v) => setS({ ...s, autoplan_enabled: v ? 1 : 0 })} />
      <TextField
        label={t('settings.autoplanDays')}
        type="number"
        min={0}
        max={30}
        value={String(s.autoplan_days)}
        onInput={(v) => setS({ ...s, autoplan_days: +v })}
        error={errors.fields.autoplan_days}
      />
      <TextField
        label={t('settings.autoplanHour')}
        type="number"
        min={0}
        max={23}
        value={String(s.autoplan_hour)}
        onInput={(v) => setS({ ...s, autoplan_hour: +v })}
        error={errors.fields.autoplan_hour}
      />
      <div class="span-2">
        <FormError text={errors.form} />
      </div>
      <div class="form-actions span-2">
        <button type="submit" class="btn btn-primary">
          {t('action.save')}
        </button>
      </div>
    </form>
  );
}

interface MailStatus {
  configured: boolean;
  server: string | null;
  from: string | null;
  missing: string[];
}

/* Mail: whether e-mail is set up (the server's settings, never its
 * password) and a test message to my own address or another. */
function Mail() {
  const [st, setSt] = useState<MailStatus | null>(null);
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [sentTo, setSentTo] = useState('');
  useEffect(() => {
    api.get<MailStatus>('/api/settings/mail').then(setSt, (e) => showError(e));
  }, []);
  if (!st) return <p class="muted">{t('common.loading')}</p>;
  const send = async (e: Event) => {
    e.preventDefault();
    setErrors(noErrors);
    setSentTo('');
    setBusy(true);
    try {
      const r = await api.post<{ sent: boolean; to: string }>('/api/settings/mail/test', to.trim() ? { to: to.trim() } : {});
      setSentTo(r.to);
      toast(t('mail.sent', { to: r.to }), 'success');
    } catch (err) {
      if (err instanceof ApiError && err.code === 'validation_failed') {
        showError(err, { setErrors });
      } else if (err instanceof ApiError && err.status === 503) {
        setErrors({ fields: {}, form: st.configured ? t('mail.failed', { why: err.message }) : t('mail.notSetUp') });
      } else {
        showError(err, { setErrors });
      }
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="form-grid narrow" onSubmit={send} aria-label={t('settings.mail')}>
      <div class="span-2" role="status" data-mail-status={st.configured ? 'on' : 'off'}>
        {st.configured ? (
          <p>
            {t('mail.configured')}{' '}
            <strong>{st.server}</strong> · {t('mail.from')} <strong>{st.from}</strong>
          </p>
        ) : (
          <p class="form-error">
            {t('mail.notConfigured')} {t('mail.setThese', { names: st.missing.join(', ') })}
          </p>
        )}
      </div>
      <TextField
        class="span-2"
        label={t('mail.to')}
        type="email"
        name="to"
        value={to}
        placeholder={me()?.email || ''}
        onInput={setTo}
        error={errors.fields.to}
        hint={t('mail.toHint')}
      />
      <div class="span-2">
        <FormError text={errors.form} />
        {sentTo && <p role="status">{t('mail.sent', { to: sentTo })}</p>}
      </div>
      <div class="form-actions span-2">
        <button type="submit" class="btn btn-primary" disabled={busy || !st.configured}>
          {t('mail.send')}
        </button>
      </div>
    </form>
  );
}

export function SettingsPage({ tab }: { tab: string }) {
  const def = TABS.find((x) => x.key === tab);
  return (
    <section class="page">
      <div class="page-head">
        <h1>{t('settings.title')}</h1>
      </div>
      <div class="tabs" role="tablist">
        {TABS.map((x) => (
          <a key={x.key} role="tab" href={`/settings/${x.key}`} aria-selected={x.key === tab} class={x.key === tab ? 'on' : ''}>
            {t(x.label)}
          </a>
        ))}
        <a role="tab" href="/settings/office" aria-selected={tab === 'office'} class={tab === 'office' ? 'on' : ''}>
          {t('settings.office')}
        </a>
        <a role="tab" href="/settings/mail" aria-selected={tab === 'mail'} class={tab === 'mail' ? 'on' : ''}>
          {t('settings.mail')}
        </a>
      </div>
      {def ? <Table key={def.key} def={def} /> : tab === 'office' ? <Office /> : tab === 'mail' ? <Mail /> : null}
    </section>
  );
}
