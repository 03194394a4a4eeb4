import { ViewportScroller } from '@angular/common';
import { ApplicationRef, Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, RouterOutlet, provideRouter, withInMemoryScrolling } from '@angular/router';

import { KEEP_FOCUS_AND_SCROLL, RouteFocus, pathOf } from './route-focus';

@Component({ template: '<h1>Agencies</h1><input id="filter" />' })
class Agencies {}

@Component({ template: '<h1>Terms</h1>' })
class Terms {}

@Component({ template: '<h1>Search</h1><input id="criteria" />' })
class Search {}

@Component({ selector: 'app-test-shell', imports: [RouterOutlet], template: '<main><router-outlet /></main>' })
class Shell {}

/** Lets the router's Scroll event (after a timeout or an animation frame) and the render happen. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 30));

describe('RouteFocus', () => {
  let router: Router;
  let scrolls: [number, number][];

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [
        provideRouter(
          [
            { path: 'agencies', component: Agencies },
            { path: 'terms', component: Terms },
            { path: 'search/:city', component: Search, data: { [KEEP_FOCUS_AND_SCROLL]: true } },
          ],
          withInMemoryScrolling({ scrollPositionRestoration: 'disabled', anchorScrolling: 'enabled' }),
        ),
      ],
    });
    scrolls = [];
    const scroller = TestBed.inject(ViewportScroller);
    vi.spyOn(scroller, 'scrollToPosition').mockImplementation((position: [number, number]) => void scrolls.push(position));
    vi.spyOn(scroller, 'scrollToAnchor').mockImplementation(() => undefined);
    router = TestBed.inject(Router);
    // Bootstrapped as the app is, so that the router's scroller runs (it starts at bootstrap).
    document.body.appendChild(document.createElement('app-test-shell'));
    TestBed.inject(ApplicationRef).bootstrap(Shell);
    TestBed.inject(RouteFocus).start();
    await router.navigateByUrl('/agencies');
    await settle();
  });

  afterEach(() => document.querySelector('app-test-shell')?.remove());

  const focusFilter = () => document.querySelector<HTMLInputElement>('#filter')!.focus();
  const focused = () => document.activeElement?.id || document.activeElement?.textContent || document.activeElement?.tagName;

  it('leaves the first page load alone', () => {
    expect(document.activeElement).toBe(document.body);
  });

  it('does not move the focus nor scroll when only the query string changes', async () => {
    focusFilter();
    scrolls.length = 0;
    await router.navigate(['/agencies'], { queryParams: { country: 'FR' } });
    await settle();
    expect(router.url).toBe('/agencies?country=FR');
    expect(focused()).toBe('filter');
    expect(scrolls).toEqual([]);
  });

  it('moves the focus to the heading and scrolls to the top on another page', async () => {
    focusFilter();
    scrolls.length = 0;
    await router.navigateByUrl('/terms');
    await settle();
    expect(focused()).toBe('Terms');
    expect(scrolls).toEqual([[0, 0]]);
  });

  it('leaves focus and scroll to routes that opt out, even when the path changes', async () => {
    await router.navigateByUrl('/search/paris');
    await settle();
    document.querySelector<HTMLInputElement>('#criteria')!.focus();
    scrolls.length = 0;
    await router.navigateByUrl('/search/lyon');
    await settle();
    expect(focused()).toBe('criteria');
    expect(scrolls).toEqual([]);
  });

  it('reads the path of a URL', () => {
    expect(pathOf('/agencies?country=FR#top')).toBe('/agencies');
    expect(pathOf('/agencies#top')).toBe('/agencies');
    expect(pathOf('/')).toBe('/');
  });
});
