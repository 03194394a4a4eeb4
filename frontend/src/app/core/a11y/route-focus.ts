import { DOCUMENT, Injectable, Injector, afterNextRender, inject } from '@angular/core';
import { NavigationEnd, Router } from '@angular/router';
import { filter } from 'rxjs';

/**
 * After each client-side navigation (not the first page load), moves the focus to the page's
 * main heading so that screen-reader and keyboard users start at the new content.
 */
@Injectable({ providedIn: 'root' })
export class RouteFocus {
  private readonly router = inject(Router);
  private readonly document = inject(DOCUMENT);
  private readonly injector = inject(Injector);

  start(): void {
    let first = true;
    this.router.events.pipe(filter((event) => event instanceof NavigationEnd)).subscribe(() => {
      if (first) {
        first = false;
        return;
      }
      afterNextRender({ read: () => this.focusHeading() }, { injector: this.injector });
    });
  }

  focusHeading(): void {
    const heading = this.document.querySelector<HTMLElement>('main h1') ?? this.document.querySelector<HTMLElement>('main');
    if (!heading) return;
    if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: false });
  }
}
