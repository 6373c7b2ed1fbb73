// specs.ts: the fields of the client and company forms.
import { t, type Key } from '../i18n';
import type { Spec } from '../ui/recordForm';

export const CONTACT_KINDS = ['lead', 'customer', 'company_contact'] as const;
export const VISIBILITIES = ['private', 'department', 'company'] as const;

export const kindOpts = () => CONTACT_KINDS.map((k): [string, string] => [k, t(('ckind.' + k) as Key)]);
export const visOpts = () => VISIBILITIES.map((k): [string, string] => [k, t(('vis.' + k) as Key)]);

export function contactSpecs(): Spec[] {
  return [
    { name: 'first_name', label: 'field.first_name', type: 'text' },
    { name: 'last_name', label: 'field.last_name', type: 'text', required: true },
    { name: 'kind', label: 'field.ckind', type: 'select', options: kindOpts() },
    { name: 'owner_id', label: 'field.owner', type: 'user' },
    { name: 'phone', label: 'field.phone', type: 'tel' },
    { name: 'email', label: 'field.email', type: 'email' },
    { name: 'city', label: 'field.city', type: 'text' },
    { name: 'address', label: 'field.address', type: 'text' },
    { name: 'birth_date', label: 'field.birth_date', type: 'date' },
    { name: 'pesel', label: 'field.pesel', type: 'text' },
    { name: 'visibility', label: 'field.visibility', type: 'select', options: visOpts() },
    { name: 'company_id', label: 'field.company', type: 'company' },
  ];
}

export function companySpecs(): Spec[] {
  return [
    { name: 'name', label: 'field.name', type: 'text', required: true, wide: true },
    { name: 'nip', label: 'field.nip', type: 'text' },
    { name: 'regon', label: 'field.regon', type: 'text' },
    { name: 'phone', label: 'field.phone', type: 'tel' },
    { name: 'email', label: 'field.email', type: 'email' },
    { name: 'city', label: 'field.city', type: 'text' },
    { name: 'address', label: 'field.address', type: 'text' },
    { name: 'owner_id', label: 'field.owner', type: 'user' },
    { name: 'visibility', label: 'field.visibility', type: 'select', options: visOpts() },
  ];
}
