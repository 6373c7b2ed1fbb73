// reveal.ts: brings an item of a strip that scrolls sideways on a narrow
// screen (the main menu, tabs) into sight, without scrolling the page.
export function revealX(el: Element | null | undefined): void {
  const strip = el?.parentElement;
  if (!el || !strip || strip.scrollWidth <= strip.clientWidth) return;
  const a = el.getBoundingClientRect();
  const s = strip.getBoundingClientRect();
  if (a.left < s.left) strip.scrollLeft -= s.left - a.left + 8;
  else if (a.right > s.right) strip.scrollLeft += a.right - s.right + 8;
}
