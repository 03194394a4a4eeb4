import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { ActivatedRoute, TitleStrategy, provideRouter } from '@angular/router';
import { BehaviorSubject } from 'rxjs';

import { TranslatedTitleStrategy } from '../../core/a11y/title-strategy';
import type { Reservation } from '../../core/api/models';
import { I18n } from '../../core/i18n/i18n';
import { agency, eur, parisTrip } from '../../testing/fixtures';
import { provideRentalMessages } from '../rental/messages';
import { POLL_EVERY_MS, ReservationDetail } from './reservation-detail';

function reservation(overrides: Partial<Reservation> = {}): Reservation {
  return {
    id: 'r1',
    reference: 'YCW-7K2M9Q',
    status: 'confirmed',
    ...parisTrip,
    paid: eur(13497),
    holdExpiresAt: null,
    driver: { firstName: 'Camille', lastName: 'Durand', birthDate: '1987-09-12' },
    canModify: true,
    canCancel: true,
    pendingChange: null,
    history: [],
    createdAt: '2026-12-01T09:00:00Z',
    updatedAt: '2026-12-01T09:00:00Z',
    ...overrides,
  };
}

describe('ReservationDetail', () => {
  const query = new BehaviorSubject<Record<string, string>>({});

  beforeEach(() => {
    localStorage.clear();
    query.next({});
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRentalMessages(),
        { provide: ActivatedRoute, useValue: { queryParams: query } },
        { provide: TitleStrategy, useClass: TranslatedTitleStrategy },
      ],
    });
    TestBed.inject(I18n).setLocale('en');
  });

  afterEach(() => {
    vi.useRealTimers();
    TestBed.inject(HttpTestingController).verify();
  });

  async function open(view: Reservation) {
    const fixture = TestBed.createComponent(ReservationDetail);
    fixture.componentRef.setInput('id', view.id);
    await fixture.whenStable();
    TestBed.inject(HttpTestingController).expectOne(`/api/v1/reservations/${view.id}`).flush(view);
    await fixture.whenStable();
    return { fixture, root: fixture.nativeElement as HTMLElement, http: TestBed.inject(HttpTestingController) };
  }
  const button = (root: HTMLElement, text: string) => Array.from(root.querySelectorAll('button')).find((b) => b.textContent?.includes(text))!;
  const text = (root: HTMLElement, selector: string) => root.querySelector(selector)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

  it('disables the change inside 48 h and says why, with the deadline in the agency’s time', async () => {
    const { root } = await open(reservation({ canModify: false }));
    expect(button(root, 'Change the dates').disabled).toBe(true);
    // Whatever English the test browser prefers (en-GB or en-US), the agency's 10:00 two days before.
    expect(text(root, '#modify-reason')).toMatch(
      /^Changes are possible until 48 hours before pick-up \(until Sunday,? (13 December|December 13,) 2026, 10:00( AM)? \(UTC\+1\)\)\.$/,
    );
  });

  it('shows the new price and the difference before changing, then the 409 when the window closed meanwhile', async () => {
    const { fixture, root, http } = await open(reservation());
    button(root, 'Change the dates').click();
    await fixture.whenStable();
    button(root, 'See the new price').click();
    const offers = http.expectOne((r) => r.url === '/api/v1/offers');
    expect(offers.request.params.get('pickupAgencyId')).toBe(agency.id);
    expect(offers.request.params.get('category')).toBe('CDMR');
    expect(offers.request.params.get('pickupAt')).toBe('2026-12-15T10:00');
    offers.flush({ items: [{ ...reservation(), available: 2, total: eur(17996) }], nextCursor: null });
    await fixture.whenStable();
    expect(text(root, '[data-testid="new-total"]')).toBe('€179.96');
    expect(text(root, '.quote')).toContain('To pay now');
    expect(text(root, '[data-testid="difference"]')).toBe('€44.99');

    button(root, 'Confirm and pay the difference').click();
    http
      .expectOne({ method: 'PATCH', url: '/api/v1/reservations/r1' })
      .flush({ status: 409, code: 'modification_window_closed' }, { status: 409, statusText: 'Conflict' });
    await fixture.whenStable();
    expect(text(root, '.form-alert')).toContain('This reservation can no longer be changed: changes are possible until 48 hours before pickup.');
  });

  it('puts a 422 of the new dates on the date fields', async () => {
    const { fixture, root, http } = await open(reservation());
    button(root, 'Change the dates').click();
    await fixture.whenStable();
    button(root, 'See the new price').click();
    http
      .expectOne((r) => r.url === '/api/v1/offers')
      .flush(
        { status: 422, code: 'validation_failed', errors: [{ field: 'returnAt', code: 'agency_closed', message: 'closed' }] },
        { status: 422, statusText: 'Unprocessable Entity' },
      );
    await fixture.whenStable();
    expect(text(root, '#modify-return-error')).toContain('The agency is closed at that time');
    expect(root.querySelector('#modify-return-date')?.getAttribute('aria-invalid')).toBe('true');
  });

  it('shows the refund quote before cancelling, and a 409 not_cancellable', async () => {
    const { fixture, root, http } = await open(reservation());
    button(root, 'Cancel the reservation…').click();
    http
      .expectOne('/api/v1/reservations/r1/cancellation-quote')
      .flush({ refundPercent: 25, refund: eur(3374), paid: eur(13497), fullRefundUntil: '2026-12-08T10:00:00+01:00' });
    await fixture.whenStable();
    expect(text(root, '.quote')).toContain('Refund (25 %)');
    expect(text(root, '[data-testid="refund-quote"]')).toBe('€33.74');
    expect(text(root, '.quote')).toMatch(/Full refund until Tuesday,? (8 December|December 8,) 2026, 10:00( AM)? \(UTC\+1\)\./);

    button(root, 'Confirm the cancellation').click();
    http
      .expectOne({ method: 'POST', url: '/api/v1/reservations/r1/cancellation' })
      .flush({ status: 409, code: 'not_cancellable' }, { status: 409, statusText: 'Conflict' });
    await fixture.whenStable();
    expect(text(root, '.form-alert')).toContain('This reservation can no longer be cancelled');
  });

  it('says the payment service is down (502) without leaving the page', async () => {
    const { fixture, root, http } = await open(reservation({ status: 'pending_payment', holdExpiresAt: new Date(Date.now() + 20 * 60_000).toISOString(), canModify: false }));
    button(root, 'Pay €134.97').click();
    http
      .expectOne({ method: 'POST', url: '/api/v1/reservations/r1/checkout-sessions' })
      .flush({ status: 502, code: 'payment_provider_unavailable' }, { status: 502, statusText: 'Bad Gateway' });
    await fixture.whenStable();
    expect(text(root, '.form-alert')).toContain('The payment service is not answering. Nothing was charged');
  });

  it('after Checkout, polls until the webhook confirmed the reservation, never trusting the redirect', async () => {
    // Only the polling's interval is faked (Angular schedules rendering with real timeouts).
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    query.next({ checkout: 'success', session_id: 'cs_test_1' });
    const held = reservation({ status: 'pending_payment', holdExpiresAt: new Date(Date.now() + 20 * 60_000).toISOString() });
    const { fixture, root, http } = await open(held);
    expect(text(root, '.status-region')).toContain('confirming your reservation');
    expect(text(root, '[data-testid="status"]')).toBe('Awaiting payment');

    await vi.advanceTimersByTimeAsync(POLL_EVERY_MS);
    http.expectOne('/api/v1/reservations/r1').flush(held);
    await vi.advanceTimersByTimeAsync(POLL_EVERY_MS);
    http.expectOne('/api/v1/reservations/r1').flush(reservation({ updatedAt: '2026-12-01T09:05:00Z' }));
    await fixture.whenStable();
    expect(text(root, '.status-region')).toContain('Your reservation is confirmed');
    expect(text(root, '[data-testid="status"]')).toBe('Confirmed');

    // Confirmed: no more requests.
    await vi.advanceTimersByTimeAsync(POLL_EVERY_MS * 3);
    http.expectNone('/api/v1/reservations/r1');
    fixture.destroy();
  });
});
