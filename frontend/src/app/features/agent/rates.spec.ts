import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import type { Rate, User } from '../../core/api/models';
import { AuthService } from '../../core/auth/auth.service';
import { I18n, provideFeatureMessages } from '../../core/i18n/i18n';
import { en } from './messages.en';
import { fr } from './messages.fr';
import { Rates, rateControlPath, toMajorText, toMinor } from './rates';

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
const rate: Rate = {
  agencyId: AGENCY, category: 'CDMR', dailyRate: { amountMinor: 4990, currency: 'EUR' }, oneWayFee: { amountMinor: 2500, currency: 'EUR' }, validFrom: '2026-01-01', validTo: null,
};

describe('Rates', () => {
  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting(), provideFeatureMessages({ en, fr })],
    });
    TestBed.inject(I18n).setLocale('en');
    TestBed.inject(AuthService).user.set({ id: 'agent-1', email: 'agent@example.com', role: 'agent', agencyId: AGENCY, emailVerified: true, locale: 'en' } as User);
  });

  afterEach(() => TestBed.inject(HttpTestingController).verify());

  /** Sets a row's dates through the form, as the row's two date pickers do when a day is picked. */
  function pickDates(fixture: ComponentFixture<Rates>, row: number, validFrom: string, validTo: string) {
    const form = (fixture.componentInstance as unknown as { form: { controls: { items: { at(i: number): { patchValue(v: object): void } } } } }).form;
    form.controls.items.at(row).patchValue({ validFrom, validTo });
  }

  async function open(rates: Rate[] = [rate]) {
    const fixture = TestBed.createComponent(Rates);
    await fixture.whenStable();
    const http = TestBed.inject(HttpTestingController);
    http.expectOne(`/api/v1/agencies/${AGENCY}`).flush(agency);
    http.expectOne(`/api/v1/agencies/${AGENCY}/rates`).flush({ items: rates, nextCursor: null });
    http.expectOne((r) => r.url === '/api/v1/vehicle-categories').flush(categories);
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    const button = (text: string) => Array.from(root.querySelectorAll('button')).find((b) => b.textContent?.includes(text))!;
    const input = (id: string) => root.querySelector<HTMLInputElement & HTMLSelectElement>(`#${id}`)!;
    const type = (id: string, value: string) => {
      const el = input(id);
      el.value = value;
      el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? 'change' : 'input'));
    };
    return { fixture, http, root, button, input, type };
  }

  it('converts amounts and maps the API’s field names', () => {
    expect(toMinor('49,90', 'EUR')).toBe(4990);
    expect(toMinor('49.9', 'EUR')).toBe(4990);
    expect(toMinor('5000', 'JPY')).toBe(5000);
    expect(toMajorText(4990, 'EUR')).toBe('49.90');
    expect(rateControlPath('items[2].dailyRate.amountMinor')).toBe('items.2.dailyRate');
    expect(rateControlPath('items[0].validFrom')).toBe('items.0.validFrom');
    expect(rateControlPath('items')).toBeNull();
  });

  it('loads the agency’s rates into the form, with labelled cells', async () => {
    const { root, input } = await open();
    expect(root.querySelector('h1')?.textContent).toContain('Paris Gare de Lyon');
    expect(root.querySelectorAll('tbody tr').length).toBe(1);
    expect(input('rate-0-category').value).toBe('CDMR');
    expect(input('rate-0-dailyRate').value).toBe('49.90');
    expect(input('rate-0-oneWayFee').value).toBe('25.00');
    // The dates are the app's date pickers (written in the app's language, not the browser's).
    expect(input('rate-0-validFrom').textContent).toMatch(/January 1, 2026|1 January 2026/);
    expect(root.querySelector('label[for="rate-0-dailyRate"]')?.textContent).toContain('Daily rate (EUR) · Rate 1');
    expect(Array.from(root.querySelectorAll('thead th')).length).toBe(7);
  });

  it('shows the empty set', async () => {
    const { root } = await open([]);
    expect(root.textContent).toContain('No rate yet');
  });

  it('sends the whole set on save', async () => {
    const { fixture, http, root, button, type } = await open();
    button('Add a rate').click();
    await fixture.whenStable();
    type('rate-1-category', 'ECAR');
    type('rate-1-dailyRate', '39,50');
    type('rate-1-oneWayFee', '0');
    // The date pickers' own keyboard and grid are DateField's; here the row gets its dates as a pick would set them.
    pickDates(fixture, 1, '2026-02-01', '2026-12-31');
    button('Save the rates').click();
    const put = http.expectOne({ method: 'PUT', url: `/api/v1/agencies/${AGENCY}/rates` });
    expect(put.request.body).toEqual({
      items: [
        { category: 'CDMR', dailyRate: { amountMinor: 4990, currency: 'EUR' }, oneWayFee: { amountMinor: 2500, currency: 'EUR' }, validFrom: '2026-01-01', validTo: null },
        { category: 'ECAR', dailyRate: { amountMinor: 3950, currency: 'EUR' }, oneWayFee: { amountMinor: 0, currency: 'EUR' }, validFrom: '2026-02-01', validTo: '2026-12-31' },
      ],
    });
    const second: Rate = { ...rate, category: 'ECAR', dailyRate: { amountMinor: 3950, currency: 'EUR' }, oneWayFee: { amountMinor: 0, currency: 'EUR' }, validFrom: '2026-02-01', validTo: '2026-12-31' };
    put.flush({ items: [rate, second], nextCursor: null });
    await fixture.whenStable();
    expect(root.querySelectorAll('tbody tr').length).toBe(2);
    expect(root.querySelector('[role="status"]')?.textContent).toContain('Rates saved.');
  });

  it('removing a row sends the set without it', async () => {
    const { fixture, http, button } = await open();
    button('Remove').click();
    await fixture.whenStable();
    button('Save the rates').click();
    const put = http.expectOne({ method: 'PUT', url: `/api/v1/agencies/${AGENCY}/rates` });
    expect(put.request.body).toEqual({ items: [] });
    put.flush({ items: [], nextCursor: null });
  });

  it('does not send an invalid amount', async () => {
    const { fixture, root, button, type, input } = await open();
    type('rate-0-dailyRate', 'abc');
    button('Save the rates').click();
    await fixture.whenStable();
    expect(input('rate-0-dailyRate').getAttribute('aria-invalid')).toBe('true');
    expect(root.querySelector('app-form-alert')?.textContent).toContain('Some fields need your attention');
  });

  it('shows a 422 at its cell, and an unmatched one in the alert', async () => {
    const { fixture, http, root, button, input } = await open();
    button('Save the rates').click();
    http.expectOne({ method: 'PUT', url: `/api/v1/agencies/${AGENCY}/rates` }).flush(
      {
        status: 422, code: 'validation_failed', detail: 'invalid fields',
        errors: [
          { field: 'items[0].dailyRate.currency', code: 'invalid', message: 'not the agency currency' },
          { field: 'items[4].category', code: 'unknown_category', message: 'unknown category' },
        ],
      },
      { status: 422, statusText: 'Unprocessable Entity' },
    );
    await fixture.whenStable();
    const daily = input('rate-0-dailyRate');
    expect(daily.getAttribute('aria-invalid')).toBe('true');
    expect(daily.getAttribute('aria-describedby')).toBe('rate-0-dailyRate-error');
    expect(root.querySelector('#rate-0-dailyRate-error')?.textContent).toContain('This value is not valid.');
    const alert = root.querySelector('app-form-alert')!;
    expect(alert.getAttribute('aria-live')).toBe('assertive');
    expect(alert.querySelectorAll('.alert__list li').length).toBe(1);
    expect(alert.textContent).toContain('We do not rent this vehicle category.');
  });
});
