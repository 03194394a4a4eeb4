import { DOCUMENT, DestroyRef, Signal, inject, signal } from '@angular/core';

/**
 * The stylesheet's small-screen breakpoint (`@media (max-width: 640px)` in styles.scss): phones,
 * where a page shows less at once (the offers page folds its search into a summary).
 */
export const SMALL_SCREEN = '(max-width: 640px)';

/**
 * Whether the media query `query` matches, following its changes (a rotated phone, a resized
 * window) until the injection context is destroyed. `false` where there is no `matchMedia`
 * (jsdom in unit tests): the wide layout.
 */
export function mediaMatches(query: string): Signal<boolean> {
  const list = inject(DOCUMENT).defaultView?.matchMedia?.(query);
  const matches = signal(list?.matches ?? false);
  if (list) {
    const changed = (event: MediaQueryListEvent) => matches.set(event.matches);
    list.addEventListener('change', changed);
    inject(DestroyRef).onDestroy(() => list.removeEventListener('change', changed));
  }
  return matches.asReadonly();
}
