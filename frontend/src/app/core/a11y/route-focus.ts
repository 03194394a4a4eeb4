import { ViewportScroller } from '@angular/common';
import { DOCUMENT, Injectable, Injector, afterNextRender, inject } from '@angular/core';
import { ActivatedRouteSnapshot, NavigationEnd, Router, Scroll } from '@angular/router';

/**
 * Route `data` flag: navigations to this route (or under it) leave the focus and the scroll
 * position alone, for pages that manage them themselves. `data: { [KEEP_FOCUS_AND_SCROLL]: true }`.
 */
export const KEEP_FOCUS_AND_SCROLL = 'keepFocusAndScroll';

/** The path of a router URL, without its query string and fragment. */
export function pathOf(url: string): string {
  return url.split(/[?#]/, 1)[0];
}

/** Whether a route of the tree from `root` down its primary outlet sets {@link KEEP_FOCUS_AND_SCROLL}. */
export function keepsFocusAndScroll(root: ActivatedRouteSnapshot): boolean {
  for (let route: ActivatedRouteSnapshot | null = root; route; route = route.firstChild) {
    if (route.data[KEEP_FOCUS_AND_SCROLL] === true) return true;
  }
  return false;
}

/**
 * After a client-side navigation to another page (the path changes, not only the query string:
 * a filter kept in the URL must not throw the user back to the top), moves the focus to the
 * page's main heading, so that screen-reader and keyboard users start at the new content, and
 * scrolls to the top (back and forward restore the position instead; a `#fragment` scrolls to
 * its anchor, done by the router). The first page load and routes with
 * {@link KEEP_FOCUS_AND_SCROLL} are left alone.
 *
 * The router's own scroll restoration is off (`scrollPositionRestoration: 'disabled'`): it would
 * scroll to the top on every navigation, query-only ones included.
 */
@Injectable({ providedIn: 'root' })
export class RouteFocus {
  private readonly router = inject(Router);
  private readonly document = inject(DOCUMENT);
  private readonly injector = inject(Injector);
  private readonly scroller = inject(ViewportScroller);

  start(): void {
    this.scroller.setHistoryScrollRestoration('manual');
    let previousPath: string | null = null;
    /** Navigations (by id) that went to another page, until their Scroll event. */
    const moved = new Set<number>();
    this.router.events.subscribe((event) => {
      if (event instanceof NavigationEnd) {
        const path = pathOf(event.urlAfterRedirects);
        const first = previousPath === null;
        const otherPage = path !== previousPath && !keepsFocusAndScroll(this.router.routerState.snapshot.root);
        previousPath = path;
        if (!otherPage) return;
        moved.add(event.id);
        if (!first) afterNextRender({ read: () => this.focusHeading() }, { injector: this.injector });
      } else if (event instanceof Scroll) {
        const id = event.routerEvent.id;
        if (!moved.delete(id) || event.scrollBehavior === 'manual') return;
        if (event.position) this.scroller.scrollToPosition(event.position, { behavior: 'instant' });
        else if (!event.anchor) this.scroller.scrollToPosition([0, 0], { behavior: 'instant' });
      }
    });
  }

  focusHeading(): void {
    const heading = this.document.querySelector<HTMLElement>('main h1') ?? this.document.querySelector<HTMLElement>('main');
    if (!heading) return;
    if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: false });
  }
}
