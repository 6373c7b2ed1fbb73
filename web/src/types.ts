// types.ts: the records of the JSON API as the UI uses them (see
// GET /api/openapi.json for the full list of fields).

export interface Rec {
  id: number;
  version: number;
  created_at: string;
  updated_at: string;
  created_by?: number | null;
  updated_by?: number | null;
}

export interface User extends Rec {
  login: string;
  name: string;
  email?: string | null; // agents get it for their own account only
  role: 'admin' | 'manager' | 'agent';
  department_id: number | null;
  time_zone: string;
  locale: 'pl' | 'en';
  active: boolean;
  csrf_token?: string;
}

export interface Department extends Rec {
  name: string;
}

export interface Contact extends Rec {
  /** "task": seen only through an open task assigned to the reader */
  access?: 'task';
  first_name: string;
  last_name: string;
  kind: 'lead' | 'customer' | 'company_contact';
  company_id: number | null;
  phone: string | null;
  email: string | null;
  city: string | null;
  address: string | null;
  birth_date: string | null;
  pesel: string | null;
  owner_id: number | null;
  status: 'active' | 'finished';
  close_reason_id: number | null;
  archived: boolean;
  visibility: Visibility;
  custom: Record<string, unknown>;
}

export interface Company extends Rec {
  /** "task": seen only through an open task assigned to the reader */
  access?: 'task';
  name: string;
  nip: string | null;
  regon: string | null;
  phone: string | null;
  email: string | null;
  city: string | null;
  address: string | null;
  owner_id: number | null;
  custom: Record<string, unknown>;
}

export type ActivityKind = 'task' | 'call' | 'meeting' | 'email';
export type Visibility = 'private' | 'department' | 'company';

export interface Activity extends Rec {
  kind: ActivityKind;
  action_type_id: number | null;
  subject: string;
  note: string | null;
  status: 'planned' | 'done' | 'cancelled';
  starts_at: string | null;
  ends_at: string | null;
  duration_min: number;
  priority: 'low' | 'normal' | 'high';
  percent_done: number;
  place: string | null;
  goal: string | null;
  assignee_id: number | null;
  parent_id: number | null;
  contact_id: number | null;
  company_id: number | null;
  inquiry_id: number | null;
  remind_before_min: number | null;
  done_at: string | null;
  // reminders and calendar add these
  type?: 'activity' | 'inquiry';
  contact?: LinkedClient;
}

export interface Inquiry extends Rec {
  title: string;
  description: string | null;
  contact_id: number | null;
  status_id: number | null;
  planned_close_date: string | null;
  handler_id: number | null;
  visibility: Visibility;
  department_id: number | null;
  outcome: 'open' | 'won' | 'lost';
  close_reason_id: number | null;
  value: number | null;
  closed_at: string | null;
  custom: Record<string, unknown>;
  type?: 'inquiry';
  contact?: LinkedClient;
}

/** A linked client as the reader may see it: its name (and phone in the
 * agenda), or only its id with hidden when its visibility hides it. */
export interface LinkedClient {
  id: number;
  name?: string;
  phone?: string | null;
  hidden?: boolean;
}

export interface Status extends Rec {
  entity: 'inquiries' | 'contacts' | 'deals';
  name: string;
  name_en: string | null;
  short_name: string | null;
  color: string | null;
  background: string | null;
  position: number;
  closed: boolean;
  outcome: 'won' | 'lost' | null;
}

export interface ActionType extends Rec {
  name: string;
  name_en: string | null;
  short_name: string | null;
  kind: ActivityKind;
  color: string | null;
  background: string | null;
  position: number;
}

export interface CloseReason extends Rec {
  entity: 'inquiries' | 'contacts' | 'deals';
  name: string;
  name_en: string | null;
  position: number;
}

export interface CustomField extends Rec {
  entity: 'contacts' | 'companies' | 'inquiries';
  name: string;
  label: string;
  type: 'text' | 'number' | 'currency' | 'date' | 'select';
  options: unknown;
  position: number;
  required: boolean;
}

export interface Note extends Rec {
  body: string;
  contact_id: number | null;
  company_id: number | null;
}

export interface Change {
  id: number;
  action: string;
  changes: Record<string, unknown>;
  user_id: number | null;
  user_name: string | null;
  at?: string;
}

export interface TimelineItem {
  type: 'activity' | 'note' | 'change' | 'inquiry';
  at: string;
  record: Activity | Note | Change | Inquiry;
}

export interface Reminders {
  overdue: Activity[];
  today: Activity[];
  tomorrow: Activity[];
  day_after: Activity[];
}
