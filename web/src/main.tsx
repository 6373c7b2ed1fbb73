// main.tsx: the app shell: session start (GET /api/me), log-in, the header
// with navigation, search and language, the routes, toasts and dialogs.
import { render, type ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, request, setAuthLostHandler, setCsrf } from './api';
import { getLocale, setLocale, t } from './i18n';
import { loadLookups } from './names';
import { ActivitiesPage } from './pages/activities';
import { ClientCard, CompanyCard } from './pages/card';
import { ClientsPage } from './pages/clients';
import { HomePage } from './pages/home';
import { BoardPage, InquiriesPage, InquiryPage } from './pages/inquiries';
import { LoginForm } from './pages/login';
import { officeRoute, PendingAnnouncements } from './office';
import { SettingsPage } from './pages/settings';
import { match, navigate, onLinkClick, useLocation } from './router';
import { isAdmin, lookups, session, toasts, dismissToast, toast, useStore } from './store';
import type { User } from './types';
import { DialogHost } from './ui/dialogs';
import { errorText } from './ui/errors';
import { MainNav } from './ui/mainnav';
import { PasswordDialog } from './ui/passwordDialog';
import { SearchPalette, openSearch } from './ui/search';
import './styles/tokens.css';
import './styles/app.css';
import './styles/lists.css';

let waiting: (() => void)[] = [];
setAuthLostHandler(
  () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      session.set({ authLost: true });
    }),
);

export async function loggedIn(user: User, csrf: string): Promise<void> {
  const prev = session.get().user;
  setCsrf(csrf);
  await setLocale(user.locale);
  if (session.get().authLost && prev && prev.id === user.id) {
    session.set({ authLost: false, user });
    const w = waiting;
    waiting = [];
    w.forEach((fn) => fn());
    return;
  }
  if (session.get().authLost) {
    // another person logged in over an ended session: start afresh
    location.assign('/');
    return;
  }
  await loadLookups();
  session.set({ phase: 'in', user, authLost: false });
}

async function boot(): Promise<void> {
  try {
    const u = await request<User>('GET', '/api/me', undefined, true);
    setCsrf(u.csrf_token ?? '');
    await setLocale(u.locale);
    await loadLookups();
    session.set({ phase: 'in', user: u });
  } catch {
    await setLocale(navigator.language?.startsWith('pl') ? 'pl' : localStorage.getItem('kontakt.locale') || 'pl');
    session.set({ phase: 'out', user: null });
  }
}

async function logout(): Promise<void> {
  try {
    await api.del('/api/session');
  } catch {
    /* logged out anyway */
  }
  setCsrf('');
  lookups.set({ loaded: false });
  session.set({ phase: 'out', user: null, authLost: false });
  navigate('/', true);
}

async function switchLocale(l: 'pl' | 'en'): Promise<void> {
  const u = session.get().user;
  if (!u) return;
  await setLocale(l);
  localStorage.setItem('kontakt.locale', l);
  session.set({ user: { ...u, locale: l } });
  try {
    const nu = await api.patch<User>('/api/me', { locale: l, version: u.version });
    session.set({ user: { ...nu } });
  } catch (e) {
    toast(errorText(e), 'error');
  }
}

function LanguageSwitch() {
  const l = getLocale();
  return (
    <div class="lang" role="group" aria-label={t('nav.language')}>
      {(['pl', 'en'] as const).map((x) => (
        <button
          key={x}
          type="button"
          class={'lang-btn' + (l === x ? ' on' : '')}
          aria-pressed={l === x}
          lang={x}
          title={x === 'pl' ? 'Polski' : 'English'}
          onClick={() => switchLocale(x)}
        >
          {x.toUpperCase()}
        </button>
      ))}
    </div>
  );
}

function Header({ path }: { path: string }) {
  const user = session.get().user;
  const [changingPassword, setChangingPassword] = useState(false);
  // The dialog sits outside the header, whose dark styles would reach it.
  return (
    <>
      <header class="topbar">
        <div class="topbar-row">
          <a class="brand" href="/">
            Kontakt
          </a>
          <button type="button" class="search-btn" onClick={openSearch} aria-keyshortcuts="Control+K" aria-label={t('search.open')}>
            <span aria-hidden="true">⌕</span> <span class="search-label">{t('search.open')}</span>
            <kbd>Ctrl K</kbd>
          </button>
          <div class="topbar-right">
            <LanguageSwitch />
            <span class="user-name" title={user?.login}>
              {user?.name || user?.login}
            </span>
            <button type="button" class="btn btn-small" onClick={() => setChangingPassword(true)}>
              {t('nav.password')}
            </button>
            <button type="button" class="btn btn-small" onClick={logout}>
              {t('nav.logout')}
            </button>
          </div>
        </div>
        <MainNav path={path} />
      </header>
      {changingPassword && <PasswordDialog onClose={() => setChangingPassword(false)} />}
    </>
  );
}

function Lazy(p: { load: () => Promise<ComponentType>; props?: Record<string, unknown> }) {
  const [C, setC] = useState<ComponentType | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    p.load()
      .then((c) => setC(() => c))
      .catch(() => setFailed(true));
  }, []);
  if (failed) return <p class="form-error">{t('err.network')}</p>;
  return C ? <C {...(p.props ?? {})} /> : <p class="muted loading">{t('common.loading')}</p>;
}

function Routes({ path }: { path: string }) {
  const office = officeRoute(path);
  if (office) return office;
  let m: Record<string, string> | null;
  if (match('/', path)) return <HomePage />;
  if (match('/clients', path)) return <ClientsPage />;
  if ((m = match('/clients/:id', path))) return <ClientCard key={m.id} id={+m.id} />;
  if ((m = match('/companies/:id', path))) return <CompanyCard key={m.id} id={+m.id} />;
  if (match('/activities', path)) return <ActivitiesPage />;
  if (match('/calendar', path)) return <Lazy load={() => import('./pages/calendar').then((x) => x.CalendarPage)} />;
  if (match('/duplicates', path)) return <Lazy load={() => import('./pages/duplicates').then((x) => x.DuplicatesPage)} />;
  if (match('/inquiries', path)) return <InquiriesPage />;
  if (match('/inquiries/board', path)) return <BoardPage />;
  if ((m = match('/inquiries/:id', path))) return <InquiryPage key={m.id} id={+m.id} />;
  if (match('/settings', path) || (m = match('/settings/:tab', path)))
    return isAdmin() ? <SettingsPage tab={m?.tab ?? 'users'} /> : <NotFound />;
  return <NotFound />;
}

function NotFound() {
  return (
    <section class="page">
      <h1>{t('err.notFound')}</h1>
      <p>
        <a href="/">{t('nav.start')}</a>
      </p>
    </section>
  );
}

function Toasts() {
  const { list } = useStore(toasts);
  return (
    <div class="toasts" aria-live="polite" role="status">
      {list.map((x) => (
        <div key={x.id} class={'toast toast-' + x.kind}>
          <span>{x.text}</span>
          {x.action && (
            <button type="button" class="btn btn-small toast-action" onClick={() => (dismissToast(x.id), x.action!.run())}>
              {x.action.label}
            </button>
          )}
          <button type="button" class="btn-icon" aria-label={t('action.close')} onClick={() => dismissToast(x.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

function App() {
  const s = useStore(session);
  useStore(lookups);
  const { path } = useLocation();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k' && session.get().phase === 'in') {
        e.preventDefault();
        openSearch();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => {
    document.title = 'Kontakt';
  }, [path]);

  if (s.phase === 'loading') return <p class="muted loading">{t('common.loading')}</p>;
  if (s.phase === 'out')
    return (
      <>
        <LoginForm onDone={loggedIn} />
        <Toasts />
      </>
    );
  return (
    <div class="shell" onClick={onLinkClick}>
      <a class="skip" href="#main">
        {t('nav.skip')}
      </a>
      <Header path={path} />
      <main id="main" tabIndex={-1}>
        <Routes path={path} />
      </main>
      <SearchPalette />
      <DialogHost />
      <PendingAnnouncements path={path} />
      <Toasts />
      {s.authLost && <LoginForm overlay onDone={loggedIn} />}
    </div>
  );
}

render(<App />, document.getElementById('app') as HTMLElement);
boot();
