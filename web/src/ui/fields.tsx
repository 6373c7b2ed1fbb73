// fields.tsx: labelled inputs.  Every input has a <label>, its error is tied
// to it with aria-describedby, and aria-invalid marks it for screen readers.
import type { ComponentChildren, JSX } from 'preact';
import { useId } from 'preact/hooks';
import { t } from '../i18n';

interface Base {
  label: string;
  error?: string;
  hint?: string;
  required?: boolean;
  disabled?: boolean;
  class?: string;
  name?: string;
}

function Wrap(p: Base & { id: string; children: ComponentChildren }) {
  return (
    <div class={'field' + (p.error ? ' has-error' : '') + (p.class ? ' ' + p.class : '')}>
      <label for={p.id}>
        {p.label}
        {p.required && <span class="req" aria-hidden="true"> *</span>}
      </label>
      {p.children}
      {p.hint && !p.error && <p class="hint" id={p.id + '-hint'}>{p.hint}</p>}
      {p.error && (
        <p class="field-error" id={p.id + '-err'} role="alert">
          {p.error}
        </p>
      )}
    </div>
  );
}

function aria(id: string, p: Base) {
  return {
    'aria-invalid': p.error ? ('true' as const) : undefined,
    'aria-describedby': p.error ? id + '-err' : p.hint ? id + '-hint' : undefined,
  };
}

export function TextField(
  p: Base & {
    value: string;
    onInput: (v: string) => void;
    type?: string;
    autoComplete?: string;
    placeholder?: string;
    inputMode?: JSX.HTMLAttributes['inputMode'];
    autoFocus?: boolean;
    min?: string | number;
    max?: string | number;
    step?: string | number;
  },
) {
  const id = useId();
  return (
    <Wrap {...p} id={id}>
      <input
        id={id}
        name={p.name}
        type={p.type ?? 'text'}
        value={p.value}
        required={p.required}
        disabled={p.disabled}
        autoComplete={p.autoComplete}
        placeholder={p.placeholder}
        inputMode={p.inputMode}
        autoFocus={p.autoFocus}
        min={p.min}
        max={p.max}
        step={p.step}
        onInput={(e) => p.onInput((e.target as HTMLInputElement).value)}
        {...aria(id, p)}
      />
    </Wrap>
  );
}

export function TextArea(p: Base & { value: string; onInput: (v: string) => void; rows?: number }) {
  const id = useId();
  return (
    <Wrap {...p} id={id}>
      <textarea
        id={id}
        name={p.name}
        rows={p.rows ?? 3}
        value={p.value}
        required={p.required}
        disabled={p.disabled}
        onInput={(e) => p.onInput((e.target as HTMLTextAreaElement).value)}
        {...aria(id, p)}
      />
    </Wrap>
  );
}

export type Option = [value: string, label: string];

export function SelectField(
  p: Base & { value: string; onChange: (v: string) => void; options: Option[]; empty?: string },
) {
  const id = useId();
  return (
    <Wrap {...p} id={id}>
      <select
        id={id}
        name={p.name}
        value={p.value}
        required={p.required}
        disabled={p.disabled}
        onChange={(e) => p.onChange((e.target as HTMLSelectElement).value)}
        {...aria(id, p)}
      >
        {p.empty !== undefined && <option value="">{p.empty}</option>}
        {p.options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </Wrap>
  );
}

export function CheckField(p: Base & { checked: boolean; onChange: (v: boolean) => void }) {
  const id = useId();
  return (
    <div class={'field field-check' + (p.class ? ' ' + p.class : '')}>
      <input
        id={id}
        type="checkbox"
        checked={p.checked}
        disabled={p.disabled}
        onChange={(e) => p.onChange((e.target as HTMLInputElement).checked)}
      />
      <label for={id}>{p.label}</label>
      {p.error && <p class="field-error">{p.error}</p>}
    </div>
  );
}

export function ColorField(p: Base & { value: string; onInput: (v: string) => void }) {
  const id = useId();
  return (
    <Wrap {...p} id={id}>
      <div class="color-row">
        <input
          id={id}
          type="color"
          value={p.value || '#000000'}
          onInput={(e) => p.onInput((e.target as HTMLInputElement).value)}
          {...aria(id, p)}
        />
        <code>{p.value || '—'}</code>
      </div>
    </Wrap>
  );
}

export function FormError({ text }: { text: string }) {
  if (!text) return null;
  return (
    <div class="form-error" role="alert">
      {text}
    </div>
  );
}

/* FormActions: a form's main button and Cancel (when onCancel is given).
 * The main button submits the form, or runs onGo when given (a dialog
 * without a form); busy disables it. */
export function FormActions(p: { label: string; onCancel?: () => void; onGo?: () => void; busy?: boolean; class?: string }) {
  return (
    <div class={'form-actions' + (p.class ? ' ' + p.class : '')}>
      <button type={p.onGo ? 'button' : 'submit'} class="btn btn-primary" disabled={p.busy} onClick={p.onGo}>
        {p.label}
      </button>
      {p.onCancel && (
        <button type="button" class="btn" onClick={p.onCancel}>
          {t('action.cancel')}
        </button>
      )}
    </div>
  );
}
