import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { I18n } from '../../core/i18n/i18n';
import { provideAuthMessages } from './messages';
import { Register } from './register';

describe('Register', () => {
  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({ providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting(), provideAuthMessages()] });
    TestBed.inject(I18n).setLocale('en');
  });

  async function submitted(errors: { field: string; code: string; message: string }[], status = 422) {
    const fixture = TestBed.createComponent(Register);
    await fixture.whenStable();
    fixture.componentInstance['form'].setValue({
      firstName: 'Ana',
      lastName: 'Silva',
      birthDate: '1990-04-02',
      phone: '',
      address: { line1: '10 rue de Rivoli', line2: '', postalCode: '7500', city: 'Paris', countryCode: 'FR' },
      email: 'ana@example.com',
      password: 'violet-tractor-harbour-42',
      acceptTerms: true,
    });
    (fixture.nativeElement as HTMLElement).querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    TestBed.inject(HttpTestingController)
      .expectOne('/api/v1/auth/registrations')
      .flush({ status, code: status === 422 ? 'validation_failed' : 'rate_limited', errors }, { status, statusText: 'Error' });
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    return {
      alert: root.querySelector('.form-alert')?.textContent?.replace(/\s+/g, ' ').trim() ?? '',
      items: Array.from(root.querySelectorAll('.form-alert li')).map((li) => li.textContent?.trim()),
      postalCode: root.querySelector('#address-postalCode-error')?.textContent ?? '',
      fixture,
    };
  }

  it('puts field errors under their fields, and those matching no control in the alert', async () => {
    const { alert, items, postalCode, fixture } = await submitted([
      { field: 'address.postalCode', code: 'invalid', message: 'not a valid postal code for this country' },
      { field: 'locale', code: 'invalid', message: 'not a supported locale' },
    ]);
    expect(postalCode).toContain('This postal code does not match the chosen country.');
    expect(alert).toContain('Some fields need your attention');
    expect(items).toEqual(['This value is not valid.']);

    // The alert follows the language switch.
    TestBed.inject(I18n).setLocale('fr');
    await fixture.whenStable();
    expect((fixture.nativeElement as HTMLElement).querySelector('.form-alert li')?.textContent?.trim()).toBe('Cette valeur n’est pas valide.');
  });

  it('says it could not accept the form when no field error found its control', async () => {
    const { alert, items } = await submitted([{ field: 'captcha', code: 'required', message: 'solve the captcha' }]);
    expect(alert).toContain('We could not accept this form:');
    expect(items).toEqual(['This field is required.']);
  });

  it('shows the message of the problem’s code', async () => {
    const { alert, items } = await submitted([], 429);
    expect(alert).toContain('Too many requests from your connection');
    expect(items).toEqual([]);
  });
});
