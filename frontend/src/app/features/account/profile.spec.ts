import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { AuthService } from '../../core/auth/auth.service';
import { I18n } from '../../core/i18n/i18n';
import { client } from '../../testing/fixtures';
import { provideAccountMessages } from './messages';

const user = { ...client, locale: 'fr' as const };
import { Profile } from './profile';


describe('Profile (the shared personal-details fields)', () => {
  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({ providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting(), provideAccountMessages()] });
    TestBed.inject(I18n).setLocale('en');
    const auth = TestBed.inject(AuthService);
    auth.user.set(user);
    auth.status.set('authenticated');
  });

  afterEach(() => TestBed.inject(HttpTestingController).verify());

  async function editing() {
    const http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(Profile);
    await fixture.whenStable();
    http.expectOne('/api/v1/users/me').flush(user);
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    root.querySelector<HTMLButtonElement>('#edit-profile')!.click();
    await fixture.whenStable();
    return { fixture, root, http };
  }

  const value = (root: HTMLElement, selector: string) => root.querySelector<HTMLInputElement | HTMLSelectElement>(selector)!.value;

  it('fills the driver and address fields from the account and sends them trimmed', async () => {
    const { root, http, fixture } = await editing();
    expect(Array.from(root.querySelectorAll('legend')).map((l) => l.textContent?.trim())).toEqual(['Driver', 'Home address', 'Preferences']);
    expect(value(root, '#firstName')).toBe('Camille');
    expect(value(root, '#birthDate')).toBe('1987-09-12');
    expect(value(root, '#address-city')).toBe('Lyon');
    expect(value(root, '#address-country')).toBe('FR');
    expect(value(root, '#locale')).toBe('fr');

    const phone = root.querySelector<HTMLInputElement>('#phone')!;
    phone.value = ' +33 6 12 34 56 78 ';
    phone.dispatchEvent(new Event('input'));
    root.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    const request = http.expectOne({ method: 'PATCH', url: '/api/v1/users/me' });
    expect(request.request.body).toEqual({
      firstName: 'Camille',
      lastName: 'Durand',
      birthDate: '1987-09-12',
      phone: '+33 6 12 34 56 78',
      address: { line1: '8 rue des Lilas', line2: null, postalCode: '69003', city: 'Lyon', countryCode: 'FR' },
      locale: 'fr',
    });
    request.flush({ ...user, phone: '+33612345678' });
    await fixture.whenStable();
    expect(root.querySelector('[role=status]')?.textContent).toContain('Your profile has been updated.');
  });

  it('puts a 422 on its field and the unmatched ones in the alert', async () => {
    const { root, http, fixture } = await editing();
    root.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    http.expectOne({ method: 'PATCH', url: '/api/v1/users/me' }).flush(
      {
        status: 422,
        code: 'validation_failed',
        errors: [
          { field: 'birthDate', code: 'underage', message: 'must be 18' },
          { field: 'nickname', code: 'too_long', message: 'too long' },
        ],
      },
      { status: 422, statusText: 'Unprocessable Entity' },
    );
    await fixture.whenStable();
    expect(root.querySelector('#birthDate-error')?.textContent).toContain('You must be at least 18 years old to rent a car.');
    expect(root.querySelector('#birthDate')?.getAttribute('aria-invalid')).toBe('true');
    expect(Array.from(root.querySelectorAll('.form-alert li')).map((li) => li.textContent?.trim())).toEqual(['This text is too long.']);
  });

  it('checks the details before sending', async () => {
    const { root, fixture } = await editing();
    const firstName = root.querySelector<HTMLInputElement>('#firstName')!;
    firstName.value = '';
    firstName.dispatchEvent(new Event('input'));
    root.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await fixture.whenStable();
    expect(root.querySelector('#firstName-error')?.textContent).toContain('This field is required.');
    expect(root.querySelector('.form-alert')?.textContent).toContain('Some fields need your attention');
  });
});
