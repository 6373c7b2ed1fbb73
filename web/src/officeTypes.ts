// officeTypes.ts: the records of the office features as the UI uses them:
// announcements (with the caller's receipt), read receipts, knowledge-base
// articles and attachments.  See docs/api.md and GET /api/openapi.json.
import type { Rec } from './types';

export type Role = 'admin' | 'manager' | 'agent';

export interface Announcement extends Rec {
  title: string;
  body: string;
  body_html: string; // rendered by the server from the Markdown body, every byte of text escaped
  audience_everyone: boolean;
  audience_roles: Role[];
  audience_departments: number[];
  author_name: string | null;
  receipt: { acked_at: string | null; later_until: string | null } | null; // the caller's
}

export interface Receipt {
  user_id: number;
  login: string;
  name: string;
  acked_at: string | null;
  later_until: string | null;
}

export interface Receipts {
  items: Receipt[];
  read: number;
  total: number;
}

export interface KbArticle extends Rec {
  title: string;
  body: string;
  body_html: string; // as Announcement.body_html
  tags: string[];
}

export interface Attachment extends Rec {
  entity: string;
  record_id: number;
  name: string;
  size: number;
  sha256: string;
  mime: string;
  download_url: string;
}
