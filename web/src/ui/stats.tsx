// stats.tsx: a row of counted facts (label over a number), each optionally
// marked ok / warn / bad: an import report's rows, a bulk e-mail's counts.
import { fmtNumber } from '../fmt';

export type Stat = [label: string, n: number, tone?: 'ok' | 'warn' | 'bad' | ''];

export function Stats(p: { items: Stat[]; class?: string }) {
  return (
    <dl class={'imp-stats' + (p.class ? ' ' + p.class : '')}>
      {p.items.map(([label, n, tone]) => (
        <div key={label} class={tone || undefined}>
          <dt>{label}</dt>
          <dd>{fmtNumber(n)}</dd>
        </div>
      ))}
    </dl>
  );
}
