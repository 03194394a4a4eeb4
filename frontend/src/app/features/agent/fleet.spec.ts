import { HttpErrorResponse, provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import type { User, Vehicle } from '../../core/api/models';
import { toProblem } from '../../core/api/problem';
import { AuthService } from '../../core/auth/auth.service';
import { I18n, provideFeatureMessages } from '../../core/i18n/i18n';
import { Fleet, blockingReferences } from './fleet';
import { en } from './messages.en';
import { fr } from './messages.fr';

const AGENCY = 'a1';
const agency = {
  id: AGENCY, code: 'PAR-GDL', name: 'Paris Gare de Lyon', city: 'Paris', countryCode: 'FR', timeZone: 'Europe/Paris', currency: 'EUR',
  address: { line1: '20 bd Diderot', line2: null, postalCode: '75012', city: 'Paris', countryCode: 'FR' }, phone: null, email: null, openingHours: [], active: true,
};
const categories = {
  items: [
    { code: 'CDMR', category: 'Compact', type: '4-5 door', transmission: 'Manual', fuelAir: 'Unspecified fuel, air conditioning', airConditioning: true, seats: 5, doors: 5, bags: 2, description: 'Peugeot 308 or similar' },
    { code: 'ECAR', category: 'Economy', type: '4-5 door', transmission: 'Automatic', fuelAir: 'Unspecified fuel, air conditioning', airConditioning: true, seats: 5, doors: 5, bags: 2, description: 'Mitsubishi Mirage or similar' },
  ],
  nextCursor: null,
};
const car: Vehicle = { id: 'v1', agencyId: AGENCY, category: 'CDMR', plate: 'AB-123-CD', model: 'Peugeot 308', active: true };

describe('Fleet', () => {
  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting(), provideFeatureMessages({ en, fr })],
    });
    TestBed.inject(I18n).setLocale('en');
    TestBed.inject(AuthService).user.set({ id: 'agent-1', email: 'agent@example.com', role: 'agent', agencyId: AGENCY, emailVerified: true, locale: 'en' } as User);
  });

  afterEach(() => TestBed.inject(HttpTestingController).verify());

  async function open(vehicles: Vehicle[] = [car]) {
    const fixture = TestBed.createComponent(Fleet);
    await fixture.whenStable();
    const http = TestBed.inject(HttpTestingController);
    http.expectOne(`/api/v1/agencies/${AGENCY}`).flush(agency);
    http.expectOne((r) => r.url === `/api/v1/agencies/${AGENCY}/vehicles`).flush({ items: vehicles, nextCursor: null });
    http.expectOne((r) => r.url === '/api/v1/vehicle-categories').flush(categories);
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    const button = (text: string) => Array.from(root.querySelectorAll('button')).find((b) => b.textContent?.includes(text))!;
    const type = (id: string, value: string) => {
      const el = root.querySelector<HTMLInputElement | HTMLSelectElement>(`#${id}`)!;
      el.value = value;
      el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? 'change' : 'input'));
    };
    return { fixture, http, root, button, type };
  }

  it('finds the references a vehicle_has_reservations names', () => {
    const problem = toProblem(new HttpErrorResponse({
      status: 409,
      error: { code: 'vehicle_has_reservations', detail: 'future reservations cannot move to another vehicle: YCW-7K2M9Q, YCW-ABC123' },
    }));
    expect(blockingReferences(problem)).toEqual(['YCW-7K2M9Q', 'YCW-ABC123']);
  });

  it('lists the agency’s fleet in a table', async () => {
    const { root } = await open([car, { ...car, id: 'v2', plate: 'ZZ-999-ZZ', model: 'Renault Clio', category: 'ECAR', active: false }]);
    expect(root.querySelector('h1')?.textContent).toContain('Paris Gare de Lyon');
    expect(Array.from(root.querySelectorAll('thead th')).map((th) => th.textContent?.trim())).toEqual(['Plate', 'Make and model', 'Category', 'Status', 'Actions']);
    const rows = root.querySelectorAll('tbody tr');
    expect(rows.length).toBe(2);
    expect(rows[0].textContent).toContain('Peugeot 308');
    expect(rows[1].textContent).toContain('Inactive');
    expect(root.querySelector('nav.tabs')?.textContent).toContain('Rates');
  });

  it('shows the empty state', async () => {
    const { root } = await open([]);
    expect(root.textContent).toContain('No vehicle in this agency yet.');
  });

  it('adds a vehicle with the right body, then lists the fleet again', async () => {
    const { fixture, http, root, button, type } = await open();
    type('vehicle-category', 'ECAR');
    type('vehicle-plate', ' GH-456-JK ');
    type('vehicle-model', 'Renault Clio');
    button('Add the vehicle').click();
    const post = http.expectOne({ method: 'POST', url: `/api/v1/agencies/${AGENCY}/vehicles` });
    expect(post.request.body).toEqual({ category: 'ECAR', plate: 'GH-456-JK', model: 'Renault Clio', active: true });
    post.flush({ id: 'v3', agencyId: AGENCY, category: 'ECAR', plate: 'GH-456-JK', model: 'Renault Clio', active: true });
    await fixture.whenStable();
    http.expectOne((r) => r.url === `/api/v1/agencies/${AGENCY}/vehicles`).flush({ items: [car, { ...car, id: 'v3', plate: 'GH-456-JK' }], nextCursor: null });
    await fixture.whenStable();
    expect(root.querySelectorAll('tbody tr').length).toBe(2);
    expect(root.querySelector('[role="status"]')?.textContent).toContain('Vehicle GH-456-JK added.');
  });

  it('does not send an incomplete form', async () => {
    const { fixture, root, button } = await open();
    button('Add the vehicle').click();
    await fixture.whenStable();
    expect(root.querySelector('app-form-alert')?.textContent).toContain('Some fields need your attention');
    expect(root.querySelector('#vehicle-plate')?.getAttribute('aria-invalid')).toBe('true');
  });

  it('shows a 422 field error at its field, and an unmatched one in the alert', async () => {
    const { fixture, http, root, button, type } = await open();
    type('vehicle-category', 'CDMR');
    type('vehicle-plate', 'AB-123-CD');
    type('vehicle-model', 'Peugeot 308');
    button('Add the vehicle').click();
    http.expectOne({ method: 'POST', url: `/api/v1/agencies/${AGENCY}/vehicles` }).flush(
      {
        status: 422, code: 'validation_failed', detail: 'invalid fields',
        errors: [
          { field: 'plate', code: 'taken', message: 'plate already used' },
          { field: 'colour', code: 'invalid', message: 'unknown colour' },
        ],
      },
      { status: 422, statusText: 'Unprocessable Entity' },
    );
    await fixture.whenStable();
    const plate = root.querySelector('#vehicle-plate')!;
    expect(plate.getAttribute('aria-invalid')).toBe('true');
    expect(plate.getAttribute('aria-describedby')).toBe('vehicle-plate-error');
    expect(root.querySelector('#vehicle-plate-error')?.textContent).toContain('A vehicle with this plate already exists.');
    expect(root.querySelector('app-form-alert')?.getAttribute('aria-live')).toBe('assertive');
    // `colour` is no control of the form: the alert lists it (its code's message).
    expect(root.querySelectorAll('app-form-alert .alert__list li').length).toBe(1);
    expect(root.querySelector('app-form-alert .alert__list')?.textContent).toContain('This value is not valid.');
  });

  it('edits a vehicle with only the changed fields', async () => {
    const { fixture, http, root, button, type } = await open();
    button('Edit').click();
    await fixture.whenStable();
    expect(root.querySelector('#vehicle-form-heading')?.textContent).toContain('Edit the vehicle AB-123-CD');
    type('vehicle-category', 'ECAR');
    button('Save changes').click();
    const patch = http.expectOne({ method: 'PATCH', url: '/api/v1/vehicles/v1' });
    expect(patch.request.body).toEqual({ category: 'ECAR' });
    patch.flush({ ...car, category: 'ECAR' });
    await fixture.whenStable();
    expect(root.querySelector('tbody tr')?.textContent).toContain('ECAR');
    expect(root.querySelector('#vehicle-form-heading')?.textContent).toContain('Add a vehicle');
  });

  it('shows the references of a refused deactivation, then deactivates once it may', async () => {
    const { fixture, http, root, button } = await open();
    button('Deactivate').click();
    http.expectOne({ method: 'DELETE', url: '/api/v1/vehicles/v1' }).flush(
      { status: 409, code: 'vehicle_has_reservations', detail: 'reservations YCW-7K2M9Q, YCW-4TP8ZX cannot move to another free vehicle' },
      { status: 409, statusText: 'Conflict' },
    );
    await fixture.whenStable();
    const alert = root.querySelector('.fleet__error[role="alert"]')!;
    expect(alert.textContent).toContain('This vehicle has upcoming reservations');
    expect(alert.textContent).toContain('Reservations in the way: YCW-7K2M9Q, YCW-4TP8ZX.');
    expect(root.querySelector('tbody tr')?.textContent).toContain('Active');

    button('Deactivate').click();
    http.expectOne({ method: 'DELETE', url: '/api/v1/vehicles/v1' }).flush(null, { status: 204, statusText: 'No Content' });
    await fixture.whenStable();
    expect(root.querySelector('.fleet__error')).toBeNull();
    expect(root.querySelector('tbody tr')?.textContent).toContain('Inactive');
    expect(root.querySelector('[role="status"]')?.textContent).toContain('Vehicle AB-123-CD deactivated.');
    button('Reactivate').click();
    const patch = http.expectOne({ method: 'PATCH', url: '/api/v1/vehicles/v1' });
    expect(patch.request.body).toEqual({ active: true });
    patch.flush(car);
    await fixture.whenStable();
    expect(root.querySelector('tbody tr')?.textContent).not.toContain('Inactive');
  });
});
