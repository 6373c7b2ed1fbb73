// passwordDialog.tsx: changing one's own password (POST /api/me/password).
// The server checks the rules and the current password; the dialog only
// checks that the new one was typed twice the same.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { t } from '../i18n';
import { toast } from '../store';
import { Modal } from './dialogs';
import { noErrors, showError, type FormErrors } from './errors';
import { FormActions, FormError, TextField } from './fields';

export function PasswordDialog({ onClose }: { onClose: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(noErrors);

  async function submit(e: Event) {
    e.preventDefault();
    if (next !== repeat) {
      setErrors({ fields: { repeat: t('password.mismatch') }, form: '' });
      return;
    }
    setBusy(true);
    setErrors(noErrors);
    try {
      await api.post('/api/me/password', { current_password: current, new_password: next });
      toast(t('password.changed'), 'success');
      onClose();
    } catch (err) {
      await showError(err, { setErrors });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal title={t('password.title')} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <FormError text={errors.form} />
        <TextField
          label={t('password.current')}
          type="password"
          autoComplete="current-password"
          value={current}
          onInput={setCurrent}
          error={errors.fields.current_password}
          required
          autoFocus
        />
        <TextField
          label={t('password.new')}
          type="password"
          autoComplete="new-password"
          value={next}
          onInput={setNext}
          error={errors.fields.new_password}
          hint={t('password.hint')}
          required
        />
        <TextField
          label={t('password.repeat')}
          type="password"
          autoComplete="new-password"
          value={repeat}
          onInput={setRepeat}
          error={errors.fields.repeat}
          required
        />
        <FormActions label={t('password.save')} onCancel={onClose} busy={busy} />
      </form>
    </Modal>
  );
}
