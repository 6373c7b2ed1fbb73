// duplicates.tsx: likely duplicates as the user sees them: the evidence
// and kinds of the API in words, a record's name and link, and the notice
// a new client's form shows when the server answers 409 possible_duplicate
// (open one of them, or create anyway).
import { fmtDate, fmtPhone } from '../fmt';
import { t, isKey } from '../i18n';
import { contactName } from '../names';

export type DupEntity = 'contacts' | 'companies';

export interface DupRecord {
  id: number;
  first_name?: string | null;
  last_name?: string | null;
  name?: string | null;
  phone?: string | null;
  email?: string | null;
  city?: string | null;
  address?: string | null;
  birth_date?: string | null;
  pesel?: string | null;
  nip?: string | null;
  owner_id?: number | null;
  updated_at?: string;
  score?: number;
  evidence?: string[];
}

/* dupText: a kind ("dup.kind") or evidence ("dup.ev") of the API in
 * words, a company's own word for name ones; an unknown one as it is. */
export function dupText(group: 'kind' | 'ev', entity: DupEntity, word: string): string {
  const own = `dup.${group}.c_${word}`;
  const k = `dup.${group}.${word}`;
  if (entity === 'companies' && isKey(own)) return t(own);
  return isKey(k) ? t(k) : word;
}

export function evidenceText(ev: string, entity: DupEntity): string {
  return dupText('ev', entity, ev);
}

export function dupName(entity: DupEntity, r: DupRecord): string {
  const n = entity === 'companies' ? r.name ?? '' : contactName({ first_name: r.first_name ?? '', last_name: r.last_name ?? '' });
  return n || '#' + r.id;
}

export function dupHref(entity: DupEntity, id: number): string {
  return (entity === 'companies' ? '/companies/' : '/clients/') + id;
}

/* dupFacts: the few values that tell records apart, for a line of text. */
export function dupFacts(r: DupRecord): string[] {
  return [fmtPhone(r.phone), r.email, r.nip, r.pesel, fmtDate(r.birth_date), [r.address, r.city].filter(Boolean).join(', ')].filter(
    (x): x is string => !!x,
  );
}

export function DuplicateNotice(p: { entity: DupEntity; candidates: DupRecord[]; onCreateAnyway: () => void; busy?: boolean }) {
  return (
    <div class="notice dup-notice" role="alert">
      <p>
        <strong>{t('dup.possibleTitle')}</strong> {t('dup.possibleText')}
      </p>
      <ul>
        {p.candidates.map((c) => (
          <li key={c.id}>
            <a href={dupHref(p.entity, c.id)}>{dupName(p.entity, c)}</a>
            {dupFacts(c).length > 0 && <span class="muted"> · {dupFacts(c).join(' · ')}</span>}
            {c.evidence && c.evidence.length > 0 && (
              <span>
                {' '}
                — {t('dup.same')}: {c.evidence.map((e) => evidenceText(e, p.entity)).join(', ')}
              </span>
            )}
          </li>
        ))}
      </ul>
      <button type="button" class="btn btn-small" disabled={p.busy} onClick={p.onCreateAnyway}>
        {t('dup.createAnyway')}
      </button>
    </div>
  );
}
