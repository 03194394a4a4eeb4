import { Component, computed, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';

import type { LoadState, PagedLoaded, PagedValue } from '../core/data/load-state';
import { I18n, provideFeatureMessages } from '../core/i18n/i18n';
import { LoadMore } from './load-more';

const texts = { en: { listTest: { more: 'Show more things' } }, fr: { listTest: { more: 'Afficher plus de choses' } } };

@Component({
  imports: [LoadMore],
  template: `<app-load-more [list]="list" [label]="$any('listTest.more')" />`,
})
class Host {
  readonly page = signal<PagedValue<string>>({ items: ['a'], nextCursor: 'c2', loadingMore: false, moreError: null });
  readonly asked = signal(0);
  readonly list: PagedLoaded<string> = {
    state: computed(() => ({ status: 'data', value: this.page() }) as LoadState<PagedValue<string>>),
    value: computed(() => this.page()),
    retry: () => undefined,
    more: () => this.asked.update((n) => n + 1),
  };
}

describe('LoadMore', () => {
  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({ providers: [provideFeatureMessages(texts)] });
    TestBed.inject(I18n).setLocale('en');
  });

  it('asks for the next page while there is one, busy while it comes, "Try again" after a failure', async () => {
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    const button = () => root.querySelector<HTMLButtonElement>('.load-more button');
    expect(button()?.textContent?.trim()).toBe('Show more things');
    button()!.click();
    expect(fixture.componentInstance.asked()).toBe(1);

    fixture.componentInstance.page.update((p) => ({ ...p, loadingMore: true }));
    await fixture.whenStable();
    expect(button()?.disabled).toBe(true);
    expect(button()?.getAttribute('aria-busy')).toBe('true');

    fixture.componentInstance.page.update((p) => ({ ...p, loadingMore: false, moreError: { key: 'errors.network' } }));
    await fixture.whenStable();
    expect(root.querySelector('[role=alert]')?.textContent).toContain('We could not reach our servers');
    expect(button()?.textContent?.trim()).toBe('Try again');

    fixture.componentInstance.page.update((p) => ({ ...p, nextCursor: null, moreError: null }));
    await fixture.whenStable();
    expect(button()).toBeNull();
  });
});
