import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { ActivatedRoute, provideRouter } from '@angular/router';
import { BehaviorSubject } from 'rxjs';

import type { DayEntry, Reservation, User } from '../../core/api/models';
import { AuthService } from '../../core/auth/auth.service';
import { I18n, provideFeatureMessages } from '../../core/i18n/i18n';
import { provideRentalMessages } from '../rental/messages';
import { DayList, actionsFor } from './day-list';
import { en } from './messages.en';
import { fr } from './messages.fr';

const AGENCY = 'a1';
const agency = {
  id: AGENCY, code: 'YYZ-APT', name: 'Toronto Pearson Airport', city: 'Mississauga', countryCode: 'CA', timeZone: 'America/Toronto', currency: 'CAD',
  address: { line1: '6301 Silver Dart Dr', line2: null, postalCode: 'L5P 1B2', city: 'Mississauga', countryCode: 'CA' }, phone: null, email: null, openingHours: [], active: true,
};

function reservation(status: Reservation['status']): Reservation {
  return {
    id: 'r1', reference: 'YCW-7K2M9Q', status,
    category: { code: 'ECAR', category: 'Economy', type: '4-5 door', transmission: 'Automatic', fuelAir: 'Unspecified fuel, air conditioning', airConditioning: true, seats: 5, doors: 5, bags: 2, description: 'Mitsubishi Mirage or similar' },
    pickupAgency: agency, returnAgency: agency,
    pickupAt: '2026-12-01T21:00:00-05:00', returnAt: '2026-12-02T21:00:00-05:00',
    days: 1, dailyRate: { amountMinor: 4000, currency: 'CAD' }, oneWayFee: { amountMinor: 0, currency: 'CAD' }, total: { amountMinor: 4000, currency: 'CAD' }, paid: { amountMinor: 4000, currency: 'CAD' },
    holdExpiresAt: null, driver: { firstName: 'Léa', lastName: 'Martin', birthDate: '1988-06-15' }, canModify: false, canCancel: true, pendingChange: null, history: [],
    createdAt: '2026-12-01T20:00:00Z', updatedAt: '2026-12-01T20:00:00Z',
  } as unknown as Reservation;
}

describe('DayList', () => {
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
        provideFeatureMessages({ en, fr }),
        { provide: ActivatedRoute, useValue: { queryParams: query } },
      ],
    });
    TestBed.inject(I18n).setLocale('en');
    TestBed.inject(AuthService).user.set({ id: 'agent-1', email: 'agent@example.com', role: 'agent', agencyId: AGENCY, emailVerified: true, locale: 'en' } as User);
  });

  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('offers the counter actions that fit the entry', () => {
    const entry = (event: DayEntry['event']) => ({ event, at: '2026-12-01T21:00:00-05:00', reservation: reservation('confirmed') });
    expect(actionsFor(entry('pickup'), 'confirmed')).toEqual(['pickup', 'no-show']);
    expect(actionsFor(entry('pickup'), 'picked_up')).toEqual([]);
    expect(actionsFor(entry('return'), 'picked_up')).toEqual(['return']);
    expect(actionsFor(entry('return'), 'returned')).toEqual([]);
  });

  it('lists the agency’s day in its own clock, and shows the 409 of a refused action, then a pickup', async () => {
    const fixture = TestBed.createComponent(DayList);
    await fixture.whenStable();
    const http = TestBed.inject(HttpTestingController);
    http.expectOne(`/api/v1/agencies/${AGENCY}`).flush(agency);
    const day = http.expectOne((r) => r.url === `/api/v1/agencies/${AGENCY}/reservations`);
    expect(day.request.params.has('date')).toBe(false);
    day.flush({ date: '2026-12-01', items: [{ event: 'pickup', at: '2026-12-01T21:00:00-05:00', reservation: reservation('confirmed') }], nextCursor: null });
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    expect(root.querySelector('h1')?.textContent).toContain('Toronto Pearson Airport');
    // 21:00 in Toronto, from the offset the API sent (not the test machine's zone).
    expect(root.querySelector('.entry__time')?.textContent).toMatch(/^\s*(21:00|9:00\sPM)\s*UTC−5\s*$/);

    const button = (text: string) => Array.from(root.querySelectorAll('button')).find((b) => b.textContent?.includes(text))!;
    button('Record a no-show').click();
    http
      .expectOne({ method: 'POST', url: '/api/v1/reservations/r1/no-show' })
      .flush({ status: 409, code: 'invalid_transition', detail: 'a no-show can be recorded from 2 hours after the pickup time' }, { status: 409, statusText: 'Conflict' });
    await fixture.whenStable();
    expect(root.querySelector('.entry [role="alert"]')?.textContent).toContain('This is not possible in the reservation’s current state.');

    button('Hand over the car').click();
    http.expectOne({ method: 'POST', url: '/api/v1/reservations/r1/pickup' }).flush(reservation('picked_up'));
    await fixture.whenStable();
    expect(root.querySelector('.entry [role="alert"]')).toBeNull();
    expect(root.querySelector('.entry .status-badge')?.textContent).toContain('In progress');
    expect(root.querySelector('[role="status"]')?.textContent).toContain('Car handed over for YCW-7K2M9Q.');
    expect(button('Hand over the car')).toBeUndefined();
  });
});
