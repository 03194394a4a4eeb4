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
});
