// import.tsx: the CSV import dialog of people and companies (loaded on
// first use).  Choosing a file runs a dry run at once (POST
// /api/<entity>/import?dry_run=1, the file as text/csv); its report shows
// rows ok and failed, the first errors by line, likely duplicates, the
// encoding and separator found, and the column mapping, which can be
// changed (?map=) and checked again.  "Import" then writes every valid
// row (optionally leaving out likely duplicates) and shows what it did.
import { useState } from 'preact/hooks';
import { ApiError, postFile } from '../api';
import { fmtNumber } from '../fmt';
import { t } from '../i18n';
import { toast } from '../store';
import { Modal } from '../ui/dialogs';
import { dupFacts, dupHref, dupName, evidenceText, type DupEntity, type DupRecord } from '../ui/duplicates';
import { errorText, translateFieldMessage } from '../ui/errors';
import { CheckField, SelectField } from '../ui/fields';
import { Stats } from '../ui/stats';
import { fieldLabel, importTargets, REQUIRED } from './dataFields';
import '../styles/data-pages.css';

type Mapping = Record<string, string | null>;

interface Report {
  dry_run: boolean;
  encoding: string;
  separator: string;
  columns: Mapping;
  rows_total: number;
  rows_ok: number;
  rows_failed: number;
  rows_written: number;
  rows_skipped: number;
  errors: { line: number; fields: Record<string, string>; field_codes?: Record<string, string>; field_params?: Record<string, Record<string, unknown>> }[];
  errors_total: number;
  duplicates: { line: number; candidates: DupRecord[]; lines: number[] }[];
  duplicates_total: number;
}

interface Problem {
  text: string;
  detail?: string;
  items?: string[];
}

/* readHeader: the file's first line split into column names, read the way
 * the server reads it (UTF-8, else Windows-1250; the most frequent of
 * , ; tab outside quotes), so the mapping can be edited even when the
 * server refuses the automatic one. */
async function readHeader(file: File): Promise<string[]> {
  const bytes = new Uint8Array(await file.slice(0, 65536).arrayBuffer());
  let end = bytes.indexOf(10);
  if (end < 0) end = bytes.length;
  const line = bytes.subarray(0, end);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(line);
  } catch {
    text = new TextDecoder('windows-1250').decode(line);
  }
  text = text.replace(/^\uFEFF/, '').replace(/\r$/, '');
  const count = { ',': 0, ';': 0, '\t': 0 } as Record<string, number>;
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in count) count[ch]++;
  }
  const sep = count[';'] > count[','] && count[';'] >= count['\t'] ? ';' : count['\t'] > count[','] && count['\t'] > count[';'] ? '\t' : ',';
  const out: string[] = [];
  let field = '';
  quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === sep) out.push(field), (field = '');
    else field += ch;
  }
  out.push(field);
  return out;
}

const COLUMN_MESSAGES: [string, Parameters<typeof t>[0]][] = [
  ['no column of the file maps to this required field', 'imp.errRequiredColumn'],
  ['maps to the same field as an earlier column', 'imp.errSameField'],
  ['is not a column of the file', 'imp.errNoColumn'],
  ['names no field an import can fill', 'imp.errNoField'],
];

function sepName(s: string): string {
  return s === ';' ? t('imp.sepSemicolon') : s === '\t' ? t('imp.sepTab') : s === ',' ? t('imp.sepComma') : s;
}

export function ImportDialog(p: { entity: DupEntity; onClose: () => void; onImported: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [headers, setHeaders] = useState<string[]>([]);
  const [map, setMap] = useState<Mapping | null>(null); // null: the server maps by the headers
  const [dirty, setDirty] = useState(false);
  const [report, setReport] = useState<Report | null>(null);
  const [result, setResult] = useState<Report | null>(null);
  const [skipDup, setSkipDup] = useState(false);
  const [busy, setBusy] = useState<'' | 'check' | 'import'>('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const targets = importTargets(p.entity);

  const describe = (e: unknown): Problem => {
    if (e instanceof ApiError && e.code === 'bad_csv') {
      const line = /line (\d+)/.exec(e.message)?.[1];
      return { text: line ? t('imp.badCsvLine', { line }) : t('imp.badCsv'), detail: e.message };
    }
    if (e instanceof ApiError && e.status === 413) return { text: t('imp.tooBig') };
    if (e instanceof ApiError && e.code === 'validation_failed') {
      const items = Object.entries(e.fields).map(([k, msg]) => {
        const [kind, ...rest] = k.split('.');
        const name = rest.join('.');
        const known = COLUMN_MESSAGES.find(([m]) => msg.startsWith(m));
        const what = kind === 'columns' && known?.[1] === 'imp.errRequiredColumn' ? fieldLabel(p.entity, name) : name;
        return known ? t(known[1], { name: what }) : `${name}: ${msg}`;
      });
      return { text: t('imp.mappingProblem'), items };
    }
    return { text: errorText(e) };
  };

  const run = async (f: File, dry: boolean, m: Mapping | null) => {
    setBusy(dry ? 'check' : 'import');
    setProblem(null);
    const q = new URLSearchParams();
    if (dry) q.set('dry_run', '1');
    if (m) q.set('map', JSON.stringify(m));
    if (!dry && skipDup) q.set('skip_duplicates', '1');
    try {
      const r = await postFile<Report>(`/api/${p.entity}/import?${q}`, f, 'text/csv');
      if (dry) {
        setReport(r);
        setDirty(false);
      } else {
        setResult(r);
        p.onImported();
        toast(t('imp.done', { n: fmtNumber(r.rows_written) }), 'success');
      }
    } catch (e) {
      setProblem(describe(e));
      if (dry) setReport(null);
    } finally {
      setBusy('');
    }
  };

  const choose = async (f: File | null) => {
    setFile(f);
    setReport(null);
    setResult(null);
    setMap(null);
    setDirty(false);
    setProblem(null);
    if (!f) return;
    setHeaders(await readHeader(f).catch(() => []));
    run(f, true, null);
  };

  // The mapping shown: the server's (from the last report), else the one
  // being edited, else every header unmapped.
  const shown: Mapping = map ?? report?.columns ?? Object.fromEntries(headers.map((h) => [h, null]));
  const setColumn = (h: string, v: string) => {
    setMap({ ...shown, [h]: v === '' ? null : v });
    setDirty(true);
  };
  const required = REQUIRED[p.entity];
  const unmapped = report ? Object.keys(report.columns).filter((h) => report.columns[h] === null) : [];
  // Only valid rows are checked for duplicates: skipping them leaves the rest.
  const toWrite = report ? report.rows_ok - (skipDup ? report.duplicates_total : 0) : 0;

  if (result)
    return (
      <Modal title={t('imp.title')} onClose={p.onClose} wide labelId="import-title">
        <div class="imp-result" role="status">
          <p class="imp-big">{t('imp.written', { n: fmtNumber(result.rows_written) })}</p>
          <ul class="plain-list">
            {result.rows_skipped > 0 && <li>{t('imp.skipped', { n: fmtNumber(result.rows_skipped) })}</li>}
            {result.rows_failed > 0 && <li>{t('imp.failedNotWritten', { n: fmtNumber(result.rows_failed) })}</li>}
          </ul>
        </div>
        <div class="form-actions">
          <button type="button" class="btn btn-primary" onClick={p.onClose}>
            {t('action.close')}
          </button>
        </div>
      </Modal>
    );

  return (
    <Modal title={t('imp.title')} onClose={p.onClose} wide labelId="import-title">
      <p class="hint imp-intro">{t(p.entity === 'contacts' ? 'imp.introPeople' : 'imp.introCompanies')}</p>
      <div class="field imp-file">
        <span class="imp-file-label" aria-hidden="true">
          {t('imp.file')}
        </span>
        {/* The browser's own button speaks its language, not the user's: a label stands in for it. */}
        <input
          id="imp-file"
          class="sr-only"
          type="file"
          accept=".csv,.txt,text/csv,text/plain"
          aria-label={t('imp.file')}
          disabled={!!busy}
          onChange={(e) => choose((e.target as HTMLInputElement).files?.[0] ?? null)}
        />
        <div class="imp-file-row">
          <label for="imp-file" class={'btn' + (busy ? ' is-disabled' : '')}>
            {file ? t('imp.chooseOther') : t('imp.choose')}
          </label>
          <span class={file ? 'imp-file-name' : 'muted'}>{file ? file.name : t('imp.noFile')}</span>
        </div>
      </div>
      {busy && (
        <p class="imp-busy" role="status">
          <span class="spinner" aria-hidden="true" /> {busy === 'check' ? t('imp.checking') : t('imp.importing')}
        </p>
      )}
      {problem && (
        <div class="form-error" role="alert">
          <p class="imp-problem">{problem.text}</p>
          {problem.items && (
            <ul>
              {problem.items.map((x) => (
                <li key={x}>{x}</li>
              ))}
            </ul>
          )}
          {problem.detail && <p class="imp-detail">{problem.detail}</p>}
        </div>
      )}
      {report && !busy && (
        <section class="imp-report" aria-label={t('imp.report')}>
          <h3>{t('imp.report')}</h3>
          <Stats
            items={[
              [t('imp.rowsTotal'), report.rows_total],
              [t('imp.rowsOk'), report.rows_ok, 'ok'],
              [t('imp.rowsFailed'), report.rows_failed, report.rows_failed ? 'bad' : ''],
              [t('imp.dups'), report.duplicates_total, report.duplicates_total ? 'warn' : ''],
            ]}
          />
          <p class="muted imp-format">
            {t('imp.format', { encoding: report.encoding.toUpperCase(), sep: sepName(report.separator) })}
            {unmapped.length > 0 && (
              <>
                <br />
                {t('imp.unmapped', { columns: unmapped.map((h) => '„' + h + '”').join(', ') })}
              </>
            )}
          </p>
          {report.errors.length > 0 && (
            <>
              <h4>{t('imp.errors')}</h4>
              <ul class="imp-lines">
                {report.errors.map((e) => (
                  <li key={e.line}>
                    <strong>{t('imp.line', { line: e.line })}</strong>{' '}
                    {Object.entries(e.fields)
                      .map(([f, m]) => `${fieldLabel(p.entity, f)}: ${translateFieldMessage(m, e.field_codes?.[f], e.field_params?.[f])}`)
                      .join('; ')}
                  </li>
                ))}
              </ul>
              {report.errors_total > report.errors.length && <p class="muted">{t('imp.more', { n: fmtNumber(report.errors_total - report.errors.length) })}</p>}
            </>
          )}
          {report.duplicates.length > 0 && (
            <>
              <h4>{t('imp.dupsTitle')}</h4>
              <ul class="imp-lines">
                {report.duplicates.map((d) => (
                  <li key={d.line}>
                    <strong>{t('imp.line', { line: d.line })}</strong>{' '}
                    {d.candidates.map((c, i) => (
                      <span key={c.id}>
                        {i > 0 && ', '}
                        {t('imp.likeRecord')}{' '}
                        <a href={dupHref(p.entity, c.id)} target="_blank" rel="noopener">
                          {dupName(p.entity, c)}
                        </a>
                        {dupFacts(c).length > 0 && <span class="muted"> ({dupFacts(c).join(', ')})</span>}
                        {c.evidence?.length ? ` — ${t('dup.same')}: ${c.evidence.map((e) => evidenceText(e, p.entity)).join(', ')}` : ''}
                      </span>
                    ))}
                    {d.lines.length > 0 && (
                      <span>
                        {d.candidates.length > 0 && '; '}
                        {t('imp.likeLines', { lines: d.lines.join(', ') })}
                      </span>
                    )}
                  </li>
                ))}
              </ul>
              {report.duplicates_total > report.duplicates.length && (
                <p class="muted">{t('imp.more', { n: fmtNumber(report.duplicates_total - report.duplicates.length) })}</p>
              )}
            </>
          )}
        </section>
      )}
      {file && (report || problem) && !busy && Object.keys(shown).length > 0 && (
        <details class="imp-map" open={!report || dirty}>
          <summary>{t('imp.mapping')}</summary>
          <p class="hint">{t('imp.mappingHint', { field: fieldLabel(p.entity, required) })}</p>
          <table class="list imp-map-table">
            <thead>
              <tr>
                <th>{t('imp.column')}</th>
                <th>{t('imp.field')}</th>
              </tr>
            </thead>
            <tbody>
              {Object.keys(shown).map((h) => (
                <tr key={h}>
                  <td class="imp-col">{h || <span class="muted">{t('imp.noHeader')}</span>}</td>
                  <td>
                    <SelectField
                      class="imp-select"
                      label={t('imp.fieldFor', { column: h })}
                      value={shown[h] ?? ''}
                      onChange={(v) => setColumn(h, v)}
                      options={targets}
                      empty={t('imp.skipColumn')}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {dirty && (
            <button type="button" class="btn" onClick={() => file && run(file, true, map)}>
              {t('imp.checkAgain')}
            </button>
          )}
        </details>
      )}
      {report && !busy && !dirty && (
        <div class="imp-go">
          {report.duplicates_total > 0 && <CheckField label={t('imp.skipDups')} checked={skipDup} onChange={setSkipDup} />}
          <p>{toWrite > 0 ? t('imp.willWrite', { n: fmtNumber(toWrite) }) : t('imp.nothingToWrite')}</p>
        </div>
      )}
      <div class="form-actions">
        <button
          type="button"
          class="btn btn-primary"
          disabled={!file || !report || !!busy || dirty || toWrite <= 0}
          onClick={() => file && run(file, false, map)}
        >
          {t('imp.go')}
        </button>
        <button type="button" class="btn" onClick={p.onClose}>
          {t('action.cancel')}
        </button>
      </div>
    </Modal>
  );
}
