// dataFields.ts: the fields of people and companies that an import can
// fill and a merge can choose (the server's importable and mergeable
// fields: src/crm/import.c, src/crm/merge.c), with their labels and how a
// value reads on screen.
import { fmtDate, fmtMoney, fmtNumber, fmtPhone } from '../fmt';
import { isKey, t, type Key } from '../i18n';
import { customFieldsOf, userName } from '../names';
import type { CustomField } from '../types';
import type { DupEntity } from '../ui/duplicates';
import { selectOptions } from '../ui/recordForm';

const LABELS: Record<string, Key> = {
  kind: 'field.ckind',
  owner_id: 'field.owner',
  company_id: 'field.company',
  archived: 'data.archived',
};

export const FIELDS: Record<DupEntity, string[]> = {
  contacts: ['first_name', 'last_name', 'kind', 'phone', 'email', 'city', 'address', 'birth_date', 'pesel', 'owner_id', 'company_id', 'visibility', 'archived'],
  companies: ['name', 'nip', 'regon', 'phone', 'email', 'city', 'address', 'owner_id', 'visibility'],
};

export const REQUIRED: Record<DupEntity, string> = { contacts: 'last_name', companies: 'name' };

/* fieldLabel: "phone" -> "Telefon", "custom.limit" -> the custom field's label. */
export function fieldLabel(entity: DupEntity, name: string): string {
  if (name.startsWith('custom.')) {
    const f = customFieldsOf(entity).find((x) => x.name === name.slice(7));
    return f ? f.label : name.slice(7);
  }
  const k = LABELS[name] ?? 'field.' + name;
  return isKey(k) ? t(k) : name;
}

/* importTargets: [field, label] an import column can map to. */
export function importTargets(entity: DupEntity): [string, string][] {
  return [
    ...FIELDS[entity].map((f): [string, string] => [f, fieldLabel(entity, f)]),
    ...customFieldsOf(entity).map((f): [string, string] => ['custom.' + f.name, f.label]),
  ];
}

export function customText(f: CustomField, v: unknown): string {
  if (v === null || v === undefined || v === '') return '';
  if (f.type === 'currency') return fmtMoney(v as number);
  if (f.type === 'number') return fmtNumber(v as number);
  if (f.type === 'date') return fmtDate(String(v));
  if (f.type === 'select') return selectOptions(f).find(([k]) => k === v)?.[1] ?? String(v);
  return String(v);
}

/* valueText: a record's value of field as shown ('' when empty). */
export function valueText(field: string, v: unknown, companyName?: (id: number) => string): string {
  if (v === null || v === undefined || v === '') return '';
  switch (field) {
    case 'kind':
    case 'visibility': {
      const k = (field === 'kind' ? 'ckind.' : 'vis.') + String(v);
      return isKey(k) ? t(k) : String(v);
    }
    case 'owner_id':
      return userName(v as number);
    case 'company_id':
      return companyName ? companyName(v as number) : '#' + v;
    case 'phone':
      return fmtPhone(String(v));
    case 'birth_date':
      return fmtDate(String(v));
    case 'archived':
      return v ? t('data.yes') : t('data.no');
    default:
      return String(v);
  }
}
