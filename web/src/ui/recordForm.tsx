// recordForm.tsx: a form for any record from a list of field specs: it
// sends only what changed (with "version" on updates), shows each field's
// error at the field, and offers to reload on a version conflict.  Custom
// fields of the entity are edited in the same form.
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { moneyInput, parseMoney } from '../fmt';
import { t, type Key } from '../i18n';
import { customFieldsOf } from '../names';
import { lookups } from '../store';
import type { CustomField, Rec } from '../types';
import { DuplicateNotice, type DupEntity, type DupRecord } from './duplicates';
import { noErrors, showError, type FormErrors } from './errors';
import { CheckField, ColorField, FormActions, FormError, SelectField, TextArea, TextField, type Option } from './fields';
import { Lookup } from './lookup';

export type SpecType =
  | 'text'
  | 'email'
  | 'tel'
  | 'date'
  | 'number'
  | 'money'
  | 'textarea'
  | 'select'
  | 'user'
  | 'department'
  | 'company'
  | 'contact'
  | 'color'
  | 'check'
  | 'password'
  | 'json'
  | 'options';

export interface Spec {
  name: string;
  label: Key;
  type: SpecType;
  options?: Option[];
  required?: boolean;
  createOnly?: boolean; // shown read-only when editing
  wide?: boolean;
  empty?: string; // label of the empty choice of a select
  hint?: Key;
}

type Values = Record<string, unknown>;

function toField(s: Spec, v: unknown): unknown {
  if (s.type === 'check') return !!v;
  if (s.type === 'company' || s.type === 'contact') return v ?? null;
  if (s.type === 'money') return moneyInput(v as number | null);
  if (s.type === 'options') return optionsToText(v);
  if (s.type === 'json') return v === null || v === undefined ? '' : JSON.stringify(v, null, 1);
  if (v === null || v === undefined) return '';
  return String(v);
}

function fromField(s: Spec, v: unknown): unknown {
  switch (s.type) {
    case 'check':
      return !!v;
    case 'company':
    case 'contact':
      return v ?? null;
    case 'user':
    case 'department':
      return v === '' ? null : Number(v);
    case 'number':
      return v === '' ? null : Number(v);
    case 'money':
      return parseMoney(String(v));
    case 'options':
      return textToOptions(String(v));
    case 'json':
      if (String(v).trim() === '') return null;
      try {
        return JSON.parse(String(v));
      } catch {
        return v; // the server names the error
      }
    case 'select':
      return v === '' ? null : v;
    default: {
      const s2 = String(v).trim();
      return s2 === '' ? null : s2;
    }
  }
}

/* Options of a select custom field, one a line: "value | label | #colour | #background". */
function optionsToText(v: unknown): string {
  if (!Array.isArray(v)) return '';
  return v
    .map((o: Record<string, string>) => [o.value, o.label ?? '', o.color ?? '', o.background ?? ''].join(' | ').replace(/( \| )+$/, ''))
    .join('\n');
}

function textToOptions(text: string): unknown {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  if (!lines.length) return null;
  return lines.map((l) => {
    const [value, label, color, background] = l.split('|').map((x) => x.trim());
    const o: Record<string, string> = { value };
    if (label) o.label = label;
    if (color) o.color = color;
    if (background) o.background = background;
    return o;
  });
}

function customToField(f: CustomField, v: unknown): string {
  if (v === null || v === undefined) return '';
  if (f.type === 'currency') return moneyInput(v as number);
  return String(v);
}

function customFromField(f: CustomField, v: string): unknown {
  if (v.trim() === '') return null;
  if (f.type === 'number') return Number(v.replace(',', '.'));
  if (f.type === 'currency') return parseMoney(v);
  return v.trim();
}

export function userOptions(): Option[] {
  return lookups.get().users.map((u) => [String(u.id), u.name || u.login]);
}

export function departmentOptions(): Option[] {
  return lookups.get().departments.map((d) => [String(d.id), d.name]);
}

export function selectOptions(f: CustomField): Option[] {
  const opts = Array.isArray(f.options) ? (f.options as { value: string; label?: string }[]) : [];
  return opts.map((o) => [o.value, o.label || o.value]);
}

export function RecordForm<T extends Rec>(p: {
  entity: string; // API path segment: "contacts"
  specs: Spec[];
  record?: T | null; // null/undefined: create
  defaults?: Values;
  customEntity?: CustomField['entity'];
  submitLabel?: string;
  onSaved: (r: T) => void;
  onCancel?: () => void;
  onReload?: () => void;
  extraBody?: () => Values;
  checkDuplicates?: boolean; // create with ?check_duplicates=1: likely duplicates are shown first
}) {
  const rec = p.record ?? null;
  const init = (): Values => {
    const v: Values = {};
    for (const s of p.specs) v[s.name] = toField(s, rec ? (rec as unknown as Values)[s.name] : p.defaults?.[s.name]);
    return v;
  };
  const customs = p.customEntity ? customFieldsOf(p.customEntity) : [];
  const initCustom = (): Record<string, string> => {
    const c = ((rec as unknown as { custom?: Values })?.custom ?? {}) as Values;
    return Object.fromEntries(customs.map((f) => [f.name, customToField(f, c[f.name])]));
  };
  const [vals, setVals] = useState<Values>(init);
  const [custom, setCustom] = useState<Record<string, string>>(initCustom);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const [dups, setDups] = useState<DupRecord[] | null>(null);

  const set = (k: string) => (v: unknown) => setVals((x) => ({ ...x, [k]: v }));

  const submit = async (e: Event | null, anyway = false) => {
    e?.preventDefault();
    setBusy(true);
    setErrors(noErrors);
    setDups(null);
    const body: Values = {};
    const before = init();
    for (const s of p.specs) {
      if (rec && s.createOnly) continue;
      if (s.type === 'password' && vals[s.name] === '') continue;
      if (rec && JSON.stringify(vals[s.name]) === JSON.stringify(before[s.name])) continue;
      body[s.name] = fromField(s, vals[s.name]);
    }
    if (customs.length) {
      const c0 = initCustom();
      const out: Values = {};
      for (const f of customs) if (!rec || custom[f.name] !== c0[f.name]) out[f.name] = customFromField(f, custom[f.name] ?? '');
      if (Object.keys(out).length) body.custom = out;
    }
    Object.assign(body, p.extraBody?.() ?? {});
    try {
      const r = rec
        ? await api.patch<T>(`/api/${p.entity}/${rec.id}`, { ...body, version: rec.version })
        : await api.post<T>(`/api/${p.entity}` + (p.checkDuplicates && !anyway ? '?check_duplicates=1' : ''), body);
      p.onSaved(r);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'possible_duplicate' && Array.isArray(err.body.candidates)) {
        setDups(err.body.candidates as DupRecord[]);
        return;
      }
      await showError(err, { setErrors, reload: p.onReload });
    } finally {
      setBusy(false);
    }
  };

  const fe = errors.fields;
  return (
    <form class="form-grid" onSubmit={submit} noValidate>
      {p.specs.map((s) => {
        const common = {
          label: t(s.label),
          error: fe[s.name],
          required: s.required,
          disabled: !!(rec && s.createOnly),
          class: s.wide || s.type === 'textarea' ? 'span-2' : undefined,
          name: s.name,
          hint: s.hint ? t(s.hint) : undefined,
        };
        const v = vals[s.name];
        switch (s.type) {
          case 'textarea':
          case 'json':
          case 'options':
            return <TextArea key={s.name} {...common} value={String(v)} onInput={set(s.name)} />;
          case 'select':
            return <SelectField key={s.name} {...common} value={String(v)} onChange={set(s.name)} options={s.options ?? []} empty={s.empty} />;
          case 'user':
            return <SelectField key={s.name} {...common} value={String(v)} onChange={set(s.name)} options={userOptions()} empty="—" />;
          case 'department':
            return <SelectField key={s.name} {...common} value={String(v)} onChange={set(s.name)} options={departmentOptions()} empty="—" />;
          case 'company':
          case 'contact':
            return (
              <div key={s.name} class="span-2">
                <Lookup
                  label={t(s.label)}
                  entity={s.type === 'company' ? 'companies' : 'contacts'}
                  value={v as number | null}
                  onChange={set(s.name)}
                  error={fe[s.name]}
                />
              </div>
            );
          case 'color':
            return <ColorField key={s.name} {...common} value={String(v)} onInput={set(s.name)} />;
          case 'check':
            return <CheckField key={s.name} {...common} checked={!!v} onChange={set(s.name)} />;
          default:
            return (
              <TextField
                key={s.name}
                {...common}
                type={
                  s.type === 'money' ? 'text' : s.type === 'tel' ? 'tel' : s.type === 'password' ? 'password' : s.type
                }
                inputMode={s.type === 'money' ? 'decimal' : undefined}
                autoComplete={s.type === 'password' ? 'new-password' : undefined}
                value={String(v)}
                onInput={set(s.name)}
              />
            );
        }
      })}
      {customs.map((f) => {
        const common = { label: f.label, error: fe['custom.' + f.name] ?? fe[f.name], required: f.required, name: 'custom.' + f.name };
        const v = custom[f.name] ?? '';
        const on = (x: string) => setCustom((c) => ({ ...c, [f.name]: x }));
        if (f.type === 'select')
          return <SelectField key={f.name} {...common} value={v} onChange={on} options={selectOptions(f)} empty="—" />;
        return (
          <TextField
            key={f.name}
            {...common}
            type={f.type === 'date' ? 'date' : 'text'}
            inputMode={f.type === 'number' || f.type === 'currency' ? 'decimal' : undefined}
            value={v}
            onInput={on}
          />
        );
      })}
      <div class="span-2">
        <FormError text={errors.form || fe.custom || ''} />
        {dups && <DuplicateNotice entity={p.entity as DupEntity} candidates={dups} busy={busy} onCreateAnyway={() => submit(null, true)} />}
      </div>
      <FormActions class="span-2" label={p.submitLabel ?? t('action.save')} busy={busy} onCancel={p.onCancel} />
    </form>
  );
}
