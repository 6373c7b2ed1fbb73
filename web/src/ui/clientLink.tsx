// clientLink.tsx: a linked client as the reader may see it: its name as a
// link to the client card, or a note that the client is not visible.
import { clientLabel } from '../names';
import type { LinkedClient } from '../types';

export function ClientLink(p: { id: number | null | undefined; c: LinkedClient | null | undefined; class?: string; tabIndex?: number }) {
  if (!p.id) return null;
  if (p.c?.hidden) return <span class={'muted ' + (p.class ?? '')}>{clientLabel(p.c)}</span>;
  return (
    <a class={p.class} href={`/clients/${p.id}`} tabIndex={p.tabIndex} draggable={false}>
      {p.c?.name || '#' + p.id}
    </a>
  );
}
