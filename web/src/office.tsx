// office.tsx: how the office features (announcements, the knowledge base,
// the sent bulk e-mails, attachments, the trash) hook into the shell: their
// nav entries and routes, the pending announcements that pop up after
// log-in and on the start screen, and the attachments panel of cards.  The
// pages (and the pop-up) are separate chunks loaded on first use.
import type { ComponentType, FunctionComponent } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api';
import { t, type Key } from './i18n';
import { match } from './router';
import { session } from './store';
import type { Announcement } from './officeTypes';

export const OFFICE_NAV: [string, Key, boolean][] = [
  ['/announcements', 'nav.announcements', false],
  ['/kb', 'nav.kb', false],
  ['/bulk_emails', 'nav.sent', false],
  ['/trash', 'nav.trash', false],
];

/* lazy: a component whose code is loaded on first render (once). */
function lazy<P extends object>(load: () => Promise<ComponentType<P>>, quiet = false): FunctionComponent<P> {
  let C: ComponentType<P> | null = null;
  let loading: Promise<void> | null = null;
  return function Lazy(props: P) {
    const [, force] = useState(0);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (C) return;
      loading ??= load().then((c) => {
        C = c;
      });
      loading.then(
        () => force((n) => n + 1),
        () => {
          loading = null;
          setFailed(true);
        },
      );
    }, []);
    if (C) return <C {...props} />;
    if (failed) return <p class="form-error">{t('err.network')}</p>;
    return quiet ? null : <p class="muted loading">{t('common.loading')}</p>;
  };
}

const AnnouncementsPage = lazy(() => import('./pages/announcements').then((m) => m.AnnouncementsPage));
const PendingDialog = lazy(() => import('./pages/announcements').then((m) => m.PendingDialog), true);
const KbPage = lazy(() => import('./pages/kb').then((m) => m.KbPage));
const KbArticlePage = lazy<{ id: number }>(() => import('./pages/kb').then((m) => m.KbArticlePage));
const SentMailPage = lazy(() => import('./pages/sentmail').then((m) => m.SentMailPage));
const SentMailDetail = lazy<{ id: number }>(() => import('./pages/sentmail').then((m) => m.SentMailDetail));
const TrashPage = lazy(() => import('./pages/trash').then((m) => m.TrashPage));

/* Attachments: the attachments panel of a record (a client, company,
 * inquiry).  Not lazy: the bundler would split the initial bundle in two
 * for it, which costs more than its 2 KB, and the cards would flicker. */
export { AttachmentsPanel as Attachments } from './ui/attachments';

/* officeRoute: the page of an office path, or null. */
export function officeRoute(path: string) {
  let m: Record<string, string> | null;
  if (match('/announcements', path)) return <AnnouncementsPage />;
  if (match('/kb', path)) return <KbPage />;
  if ((m = match('/kb/:id', path)) && /^\d+$/.test(m.id)) return <KbArticlePage key={m.id} id={+m.id} />;
  if (match('/bulk_emails', path)) return <SentMailPage />;
  if ((m = match('/bulk_emails/:id', path)) && /^\d+$/.test(m.id)) return <SentMailDetail key={m.id} id={+m.id} />;
  if (match('/trash', path)) return <TrashPage />;
  return null;
}

/* PendingAnnouncements: asks for the caller's pending announcements once
 * logged in and whenever the start screen is shown, and when there are
 * any, shows them one at a time (the dialog's code loads only then). */
export function PendingAnnouncements({ path }: { path: string }) {
  const [items, setItems] = useState<Announcement[]>([]);
  const first = useRef(true);
  const userId = session.get().user?.id;
  useEffect(() => {
    const home = path === '/';
    if (!first.current && !home) return;
    first.current = false;
    if (items.length) return; // one queue at a time
    api.get<{ items: Announcement[] }>('/api/announcements/pending').then(
      (r) => setItems(r.items),
      () => {}, // the start screen works without them; they come back next time
    );
  }, [path, userId]);
  if (!items.length) return null;
  return <PendingDialog items={items} onDone={(id: number) => setItems((xs) => xs.filter((x) => x.id !== id))} />;
}
