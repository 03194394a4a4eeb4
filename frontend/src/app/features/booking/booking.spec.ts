import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { ActivatedRoute, provideRouter } from '@angular/router';
import { of } from 'rxjs';

import type { Offer } from '../../core/api/models';
import { AuthService } from '../../core/auth/auth.service';
import { I18n } from '../../core/i18n/i18n';
import { agency, client as user, parisTrip } from '../../testing/fixtures';
import { provideRentalMessages } from '../rental/messages';
import { Booking } from './booking';

const offer: Offer = {
  ...parisTrip,
  available: 3,
};

describe('Booking (the booking summary’s form)', () => {
  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([{ path: 'reservations/:id', children: [] }]),
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRentalMessages(),
        {
          provide: ActivatedRoute,
          useValue: {
            queryParams: of({ pickupAgencyId: agency.id, pickupAt: '2026-12-15T10:00', returnAt: '2026-12-18T10:00', category: 'CDMR' }),
          },
        },
      ],
    });
    TestBed.inject(I18n).setLocale('en');
    const auth = TestBed.inject(AuthService);
    auth.user.set(user);
    auth.status.set('authenticated');
  });

  afterEach(() => TestBed.inject(HttpTestingController).verify());

  /** The page with its offer and driver loaded, conditions accepted, "Reserve" clicked. */
  async function reserve() {
    const http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(Booking);
    await fixture.whenStable();
    http.expectOne((r) => r.url === '/api/v1/offers' && r.params.get('pickupAgencyId') === agency.id).flush({ items: [offer], nextCursor: null });
    http.expectOne('/api/v1/users/me').flush(user);
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    root.querySelector<HTMLInputElement>('#booking-accept')!.click();
    const button = Array.from(root.querySelectorAll('button')).find((b) => b.textContent?.includes('Reserve this car'))!;
    button.click();
    const request = http.expectOne({ method: 'POST', url: '/api/v1/reservations' });
    return { fixture, root, request, button, http };
  }

  const alertOf = (root: HTMLElement) => root.querySelector('.form-alert')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

  /** The page with its offer loaded (the session as the test left it). */
  async function withOffer() {
    const http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(Booking);
    await fixture.whenStable();
    http.expectOne((r) => r.url === '/api/v1/offers').flush({ items: [offer], nextCursor: null });
    await fixture.whenStable();
    return { http, fixture, root: fixture.nativeElement as HTMLElement };
  }

  it('shows the driver the session holds while the profile is read again, and no spinner there', async () => {
    const { http, fixture, root } = await withOffer();
    const driver = () => root.querySelector('[aria-labelledby="booking-driver-title"]')!;
    expect(driver().textContent).toContain('Camille Durand');
    expect(driver().querySelector('.spinner')).toBeNull();
    http.expectOne('/api/v1/users/me').flush({ ...user, lastName: 'Martin' });
    await fixture.whenStable();
    expect(driver().textContent).toContain('Camille Martin');
  });

  it('keeps the skeleton until the session is restored: the driver or the sign-in form comes with the rest', async () => {
    const auth = TestBed.inject(AuthService);
    auth.user.set(null);
    auth.status.set('restoring');
    const { fixture, root } = await withOffer();
    expect(root.querySelector('.booking-skeleton--trip')).not.toBeNull();
    expect(root.querySelector('#booking-car-title')).toBeNull();

    auth.status.set('anonymous');
    await fixture.whenStable();
    expect(root.querySelector('.skeleton')).toBeNull();
    expect(root.querySelector('#booking-car-title')?.textContent).toContain('Peugeot 308 or similar');
    expect(root.querySelector('#inline-auth-title')).not.toBeNull();
  });

  it('books the offer as priced, with an Idempotency-Key', async () => {
    const { request } = await reserve();
    expect(request.request.body).toEqual({
      pickupAgencyId: agency.id,
      returnAgencyId: agency.id,
      pickupAt: '2026-12-15T10:00',
      returnAt: '2026-12-18T10:00',
      category: 'CDMR',
    });
    expect(request.request.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{36}$/);
    request.flush({ id: 'r1' }, { status: 201, statusText: 'Created' });
  });

  it('shows every field error of a 422 in the alert, in the current language', async () => {
    const { fixture, root, request } = await reserve();
    request.flush(
      {
        status: 422,
        code: 'validation_failed',
        errors: [
          { field: 'driver.birthDate', code: 'underage', message: 'the driver must be 18 on the pickup date' },
          { field: 'pickupAt', code: 'too_soon', message: 'at least 2 hours ahead' },
        ],
      },
      { status: 422, statusText: 'Unprocessable Entity' },
    );
    await fixture.whenStable();
    expect(alertOf(root)).toContain('We could not accept this form:');
    const items = Array.from(root.querySelectorAll('.form-alert li')).map((li) => li.textContent?.trim());
    expect(items).toEqual(['Date of birth: You must be at least 18 years old to rent a car.', 'The pickup must be at least 2 hours from now.']);

    TestBed.inject(I18n).setLocale('fr');
    await fixture.whenStable();
    expect(root.querySelector('.form-alert li')?.textContent?.trim()).toBe('Date de naissance : Il faut avoir au moins 18 ans pour louer une voiture.');
  });

  it('points to the profile on 422 profile_incomplete', async () => {
    const { fixture, root, request } = await reserve();
    request.flush(
      { status: 422, code: 'validation_failed', errors: [{ field: 'profile', code: 'profile_incomplete', message: 'complete your profile' }] },
      { status: 422, statusText: 'Unprocessable Entity' },
    );
    await fixture.whenStable();
    expect(alertOf(root)).toContain('Complete your name, date of birth and address in your profile before booking.');
    expect(root.querySelector('a[href="/account/profile"].btn')).not.toBeNull();
  });

  it('says the car was taken on 409 unavailable and offers the other cars', async () => {
    const { fixture, root, request } = await reserve();
    request.flush({ status: 409, code: 'unavailable', detail: 'no vehicle free' }, { status: 409, statusText: 'Conflict' });
    await fixture.whenStable();
    expect(alertOf(root)).toContain('No car of this category is free at this agency for your whole rental.');
    const link = Array.from(root.querySelectorAll('a')).find((a) => a.textContent?.includes('See the other cars'));
    expect(link?.getAttribute('href')).toContain('/offers?pickupAgencyId=');
    expect(link?.getAttribute('href')).not.toContain('category=');
  });

  it('retries a booking whose answer was lost with the same key, and a refused one with a new key', async () => {
    const { fixture, request, button, http } = await reserve();
    const first = request.request.headers.get('Idempotency-Key');
    request.error(new ProgressEvent('error'), { status: 0, statusText: '' });
    await fixture.whenStable();
    button.click();
    const retry = http.expectOne({ method: 'POST', url: '/api/v1/reservations' });
    expect(retry.request.headers.get('Idempotency-Key')).toBe(first);
    retry.flush({ status: 409, code: 'idempotency_key_reused' }, { status: 409, statusText: 'Conflict' });
    await fixture.whenStable();
    button.click();
    const fresh = http.expectOne({ method: 'POST', url: '/api/v1/reservations' });
    expect(fresh.request.headers.get('Idempotency-Key')).not.toBe(first);
    fresh.flush({ status: 409, code: 'unavailable' }, { status: 409, statusText: 'Conflict' });
  });
});
