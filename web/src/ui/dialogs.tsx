// dialogs.tsx: the modal dialog (native <dialog>: focus trap, Esc) and a
// promise-based confirm() rendered by <DialogHost/>.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n';
import { createStore, useStore } from '../store';

export function Modal(props: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  wide?: boolean;
  labelId?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.open && d.close();
  }, []);
  const id = props.labelId ?? 'dlg-' + props.title.replace(/\W+/g, '-');
  return (
    <dialog
      ref={ref}
      class={'modal' + (props.wide ? ' modal-wide' : '')}
      aria-labelledby={id}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      <div class="modal-head">
        <h2 id={id}>{props.title}</h2>
        <button type="button" class="btn-icon" aria-label={t('action.close')} onClick={props.onClose}>
          ×
        </button>
      </div>
      <div class="modal-body">{props.children}</div>
    </dialog>
  );
}

interface Pending {
  text: string;
  ok: string;
  resolve: (v: boolean) => void;
}

const confirmStore = createStore<{ pending: Pending | null }>({ pending: null });

export function confirmDialog(text: string, ok?: string): Promise<boolean> {
  return new Promise((resolve) => {
    confirmStore.get().pending?.resolve(false);
    confirmStore.set({ pending: { text, ok: ok ?? t('action.ok'), resolve } });
  });
}

export function DialogHost() {
  const { pending } = useStore(confirmStore);
  if (!pending) return null;
  const done = (v: boolean) => {
    confirmStore.set({ pending: null });
    pending.resolve(v);
  };
  return (
    <Modal title={t('confirm.title')} onClose={() => done(false)} labelId="confirm-title">
      <p class="confirm-text">{pending.text}</p>
      <div class="form-actions">
        <button type="button" class="btn btn-primary" onClick={() => done(true)}>
          {pending.ok}
        </button>
        <button type="button" class="btn" onClick={() => done(false)}>
          {t('action.cancel')}
        </button>
      </div>
    </Modal>
  );
}
