import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { ActivatedRoute, provideRouter } from '@angular/router';
import { of } from 'rxjs';

import type { Offer } from '../../core/api/models';
import { I18n } from '../../core/i18n/i18n';
import { agency, compact, eur, parisTrip } from '../../testing/fixtures';
import { provideRentalMessages } from '../rental/messages';
import { FIRST_CARDS, Offers } from './offers';

/** `count` offers of the Paris trip, one per category code, cheapest first (the API's order). */
function offers(count: number): Offer[] {
  return Array.from({ length: count }, (_, i) => ({
    ...parisTrip,
    category: { ...compact, code: `CDM${String.fromCharCode(65 + i)}`, description: `Car ${i + 1}` },
    total: eur(10_000 + i * 100),
    available: 3,
  }));
}

describe('Offers (the list of a search)', () => {
  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRentalMessages(),
        { provide: ActivatedRoute, useValue: { queryParams: of({ pickupCity: 'Paris', pickupAt: '2026-12-15T10:00', returnAt: '2026-12-18T10:00' }) } },
      ],
    });
    TestBed.inject(I18n).setLocale('en');
  });

  afterEach(() => TestBed.inject(HttpTestingController).verify());

  const cardsOf = (root: HTMLElement) => Array.from(root.querySelectorAll('.offer-card:not(.offer-card--skeleton)'));

  it('renders a first screenful of cards with the data, then the others a few per task, all of them in the end', async () => {
    const fixture = TestBed.createComponent(Offers);
    await fixture.whenStable();
    TestBed.inject(HttpTestingController)
      .expectOne((r) => r.url === '/api/v1/offers' && r.params.get('pickupCity') === 'Paris')
      .flush({ items: offers(12), nextCursor: null });
    fixture.detectChanges();
    const root = fixture.nativeElement as HTMLElement;
    expect(cardsOf(root).length).toBe(FIRST_CARDS);
    // The count says every car from the start.
    expect(root.querySelector('.results-summary')?.textContent).toContain('12 cars available');

    await fixture.whenStable();
    await vi.waitFor(() => expect(cardsOf(root).length).toBe(12));
    expect(cardsOf(root).map((card) => card.querySelector('.offer-card__model')?.textContent)).toEqual(offers(12).map((o) => o.category.description));
  });

  it('formats each card’s figures and links "Choose" to the booking summary of its agency and category', async () => {
    const fixture = TestBed.createComponent(Offers);
    await fixture.whenStable();
    TestBed.inject(HttpTestingController).expectOne((r) => r.url === '/api/v1/offers').flush({ items: offers(1), nextCursor: null });
    await fixture.whenStable();
    const card = cardsOf(fixture.nativeElement as HTMLElement)[0];
    expect(card.querySelector('.offer-card__total')?.textContent?.trim()).toBe('€100.00');
    expect(card.querySelector('.offer-card__perday')?.textContent?.trim()).toBe('€33.33 per day');
    const link = card.querySelector<HTMLAnchorElement>('a.btn')!;
    expect(link.getAttribute('aria-label')).toBe('Choose Car 1 for €100.00');
    const href = new URL(link.href, 'http://localhost');
    expect(href.pathname).toBe('/book');
    expect(Object.fromEntries(href.searchParams)).toEqual({
      pickupAgencyId: agency.id,
      pickupAt: '2026-12-15T10:00',
      returnAt: '2026-12-18T10:00',
      category: 'CDMA',
    });
  });

  it('says the searched times and days at once, before the API answers', async () => {
    const fixture = TestBed.createComponent(Offers);
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    expect(root.querySelector('.lead')?.textContent?.trim()).toBe('Tue, Dec 15, 10:00 AM → Fri, Dec 18, 10:00 AM · 3 days');
    TestBed.inject(HttpTestingController).expectOne((r) => r.url === '/api/v1/offers').flush({ items: [{ ...offers(1)[0], days: 4 }], nextCursor: null });
    await fixture.whenStable();
    expect(root.querySelector('.lead')?.textContent?.trim(), 'the API’s count wins').toMatch(/· 4 days$/);
  });

  it('on a phone, folds the search into a summary above the results and opens it on demand, focused', async () => {
    // jsdom has no matchMedia: a phone's answer to the stylesheet's breakpoint.
    const view = document.defaultView!;
    Object.defineProperty(view, 'matchMedia', {
      configurable: true,
      value: (query: string) => ({ matches: query === '(max-width: 640px)', media: query, addEventListener: () => undefined, removeEventListener: () => undefined }),
    });
    const fixture = TestBed.createComponent(Offers);
    await fixture.whenStable();
    TestBed.inject(HttpTestingController).expectOne((r) => r.url === '/api/v1/offers').flush({ items: offers(2), nextCursor: null });
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    expect(root.querySelector('app-search-form')).toBeNull();
    expect(root.querySelector('.search-summary__text')?.textContent?.replace(/\s+/g, ' ').trim()).toBe('Paris Tue, Dec 15, 10:00 AM → Fri, Dec 18, 10:00 AM · 3 days');
    expect(cardsOf(root).length).toBe(2);
    expect(root.querySelector('.lead'), 'the summary says when: no second line').toBeNull();

    Array.from(root.querySelectorAll('button')).find((b) => b.textContent?.includes('Modify search'))!.click();
    await fixture.whenStable();
    expect(root.querySelector('app-search-form')).not.toBeNull();
    expect(root.querySelector('.search-summary')).toBeNull();
    expect(document.activeElement?.id).toBe('search-pickup');
    delete (view as { matchMedia?: unknown }).matchMedia;
  });
});
