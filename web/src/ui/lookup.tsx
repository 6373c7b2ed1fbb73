// lookup.tsx: a type-ahead picker for one record of a large list (clients,
// companies): it asks the API as you type and never loads the whole list.
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { api, type Page } from '../api';
import { t } from '../i18n';
import { companyName, contactName } from '../names';
import type { Company, Contact } from '../types';

type Entity = 'contacts' | 'companies';

function label(entity: Entity, r: Contact | Company): string {
  return entity === 'contacts' ? contactName(r as Contact) : companyName(r as Company);
}

export function Lookup(p: {
  label: string;
  entity: Entity;
  value: number | null;
  onChange: (id: number | null) => void;
  error?: string;
}) {
  const id = useId();
  const [text, setText] = useState('');
  const [current, setCurrent] = useState('');
  const [items, setItems] = useState<(Contact | Company)[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const timer = useRef<number>(0);
  const seq = useRef(0);

  useEffect(() => {
    if (!p.value) {
      setCurrent('');
      return;
    }
    api
      .get<Contact | Company>(`/api/${p.entity}/${p.value}`)
      .then((r) => setCurrent(label(p.entity, r)))
      .catch(() => setCurrent('#' + p.value));
  }, [p.value, p.entity]);

  const search = (q: string) => {
    setText(q);
    clearTimeout(timer.current);
    if (!q.trim()) {
      setItems([]);
      setOpen(false);
      return;
    }
    timer.current = window.setTimeout(async () => {
      const mine = ++seq.current;
      try {
        const page = await api.get<Page<Contact | Company>>(`/api/${p.entity}`, { q, limit: 8 });
        if (mine !== seq.current) return;
        setItems(page.items);
        setActive(0);
        setOpen(true);
      } catch {
        /* a failed look-up just shows nothing */
      }
    }, 200);
  };

  const pick = (r: Contact | Company | null) => {
    p.onChange(r ? r.id : null);
    setCurrent(r ? label(p.entity, r) : '');
    setText('');
    setItems([]);
    setOpen(false);
  };

  const onKey = (e: KeyboardEvent) => {
    if (!open) return;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => Math.min(a + 1, items.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter' && items[active]) {
      e.preventDefault();
      pick(items[active]);
    } else if (e.key === 'Escape') {
      e.stopPropagation();
      setOpen(false);
    }
  };

  return (
    <div class={'field lookup' + (p.error ? ' has-error' : '')}>
      <label for={id}>{p.label}</label>
      {p.value ? (
        <div class="lookup-current">
          <span>{current}</span>
          <button type="button" class="btn btn-small" onClick={() => pick(null)}>
            {t('action.change')}
          </button>
        </div>
      ) : (
        <>
          <input
            id={id}
            type="search"
            role="combobox"
            aria-expanded={open}
            aria-controls={id + '-list'}
            aria-autocomplete="list"
            autoComplete="off"
            placeholder={t('lookup.placeholder')}
            value={text}
            onInput={(e) => search((e.target as HTMLInputElement).value)}
            onKeyDown={onKey}
          />
          {open && (
            <ul class="lookup-list" id={id + '-list'} role="listbox">
              {items.length === 0 && <li class="muted">{t('search.none')}</li>}
              {items.map((r, i) => (
                <li
                  key={r.id}
                  role="option"
                  aria-selected={i === active}
                  class={i === active ? 'active' : ''}
                  onMouseDown={(e) => {
                    e.preventDefault();
                    pick(r);
                  }}
                >
                  {label(p.entity, r)}
                  {'city' in r && r.city ? <span class="muted"> · {r.city}</span> : null}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      {p.error && <p class="field-error" role="alert">{p.error}</p>}
    </div>
  );
}
