// login.tsx: the log-in form, as a page or (when a session ends while
// working) over the page, so that nothing typed there is lost.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, request } from '../api';
import { t } from '../i18n';
import { session } from '../store';
import type { User } from '../types';
import { errorText } from '../ui/errors';
import { FormError, TextField } from '../ui/fields';

export function LoginForm(p: { overlay?: boolean; onDone: (u: User, csrf: string) => Promise<void> }) {
  const [login, setLogin] = useState(p.overlay ? session.get().user?.login ?? '' : '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const r = await request<{ user: User; csrf_token: string }>('POST', '/api/session', { login, password }, true);
      await p.onDone(r.user, r.csrf_token);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t('login.wrong') : errorText(err));
    } finally {
      setBusy(false);
    }
  };

  // Over the page the form is a modal <dialog>: it must sit above any dialog
  // already open (the top layer), whose form keeps what was typed.
  const dlg = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (p.overlay && dlg.current && !dlg.current.open) dlg.current.showModal();
  }, []);
  const form = (
      <form class="login-box" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title" class="brand-big">
          Kontakt
        </h1>
        {p.overlay && <p class="notice">{t('login.expired')}</p>}
        <TextField label={t('login.login')} value={login} onInput={setLogin} autoComplete="username" required autoFocus={!p.overlay} />
        <TextField
          label={t('login.password')}
          type="password"
          value={password}
          onInput={setPassword}
          autoComplete="current-password"
          required
          autoFocus={p.overlay}
        />
        <FormError text={error} />
        <button class="btn btn-primary btn-block" type="submit" disabled={busy}>
          {busy ? t('common.wait') : t('login.submit')}
        </button>
      </form>
  );
  if (p.overlay)
    return (
      <dialog ref={dlg} class="login-overlay" aria-labelledby="login-title" onCancel={(e) => e.preventDefault()}>
        {form}
      </dialog>
    );
  return <div class="login-page">{form}</div>;
}
