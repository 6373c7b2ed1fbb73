// names.ts: how records are named on screen, and the settings lists
// (users, statuses, action types, ...) loaded once after log-in.
import { api, type Page } from './api';
import { t, tn } from './i18n';
import { lookups } from './store';
import type { ActionType, Activity, CloseReason, Company, Contact, CustomField, Department, LinkedClient, Status, User } from './types';

export function contactName(c: Pick<Contact, 'first_name' | 'last_name'> | null | undefined): string {
  if (!c) return '';
  return [c.first_name, c.last_name].filter(Boolean).join(' ');
}

/** clientLabel: a linked client's name, or a note that the reader may not see it. */
export function clientLabel(c: LinkedClient | null | undefined): string {
  if (!c) return '';
  return c.hidden ? t('link.hiddenClient') : (c.name ?? '');
}

export function companyName(c: Company | null | undefined): string {
  return c?.name ?? '';
}

export function userName(id: number | null | undefined): string {
  if (!id) return '';
  const u = lookups.get().users.find((x) => x.id === id);
  return u ? u.name || u.login : '#' + id;
}

export function departmentName(id: number | null | undefined): string {
  if (!id) return '';
  return lookups.get().departments.find((x) => x.id === id)?.name ?? '#' + id;
}

export function statusOf(id: number | null | undefined): Status | undefined {
  return lookups.get().statuses.find((s) => s.id === id);
}

export function inquiryStatuses(): Status[] {
  return lookups
    .get()
    .statuses.filter((s) => s.entity === 'inquiries')
    .sort((a, b) => a.position - b.position || a.id - b.id);
}

export function closeReasons(entity: 'contacts' | 'inquiries'): CloseReason[] {
  return lookups
    .get()
    .closeReasons.filter((r) => r.entity === entity)
    .sort((a, b) => a.position - b.position);
}

export function reasonName(id: number | null | undefined): string {
  return tn(lookups.get().closeReasons.find((r) => r.id === id));
}

/* actionTypeOf: the activity's action type, else the first of its kind (for colours). */
export function actionTypeOf(a: Pick<Activity, 'action_type_id' | 'kind'>): ActionType | undefined {
  const all = lookups.get().actionTypes;
  return all.find((x) => x.id === a.action_type_id) ?? all.find((x) => x.kind === a.kind);
}

export function customFieldsOf(entity: CustomField['entity']): CustomField[] {
  return lookups
    .get()
    .customFields.filter((f) => f.entity === entity)
    .sort((a, b) => a.position - b.position || a.id - b.id);
}

async function all<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 10; i++) {
    const page: Page<T> = await api.get<Page<T>>(path, { limit: 500, cursor });
    items.push(...page.items);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return items;
}

/* loadLookups: the short settings lists every page uses (tens of rows each). */
export async function loadLookups(): Promise<void> {
  const [users, departments, statuses, actionTypes, closeReasons, customFields] = await Promise.all([
    all<User>('/api/users'),
    all<Department>('/api/departments'),
    all<Status>('/api/statuses'),
    all<ActionType>('/api/action_types'),
    all<CloseReason>('/api/close_reasons'),
    all<CustomField>('/api/custom_fields'),
  ]);
  lookups.set({ loaded: true, users, departments, statuses, actionTypes, closeReasons, customFields });
}
