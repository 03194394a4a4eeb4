import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import type { User } from '../../core/api/models';
import { I18n } from '../../core/i18n/i18n';
import { SignInForm } from './sign-in-form';

describe('SignInForm (the sign-in page and the booking page’s inline sign-in)', () => {
  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({ providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()] });
    TestBed.inject(I18n).setLocale('en');
  });

  afterEach(() => TestBed.inject(HttpTestingController).verify());

  async function form(variant: 'page' | 'inline') {
    const fixture = TestBed.createComponent(SignInForm);
    fixture.componentRef.setInput('variant', variant);
    fixture.componentRef.setInput('idPrefix', variant === 'inline' ? 'inline-' : '');
    const signedIn: User[] = [];
    fixture.componentInstance.signedIn.subscribe((u) => signedIn.push(u));
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    const fill = (id: string, value: string) => {
      const input = root.querySelector<HTMLInputElement>(`#${id}`)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    const submit = async () => {
      root.querySelector('form')!.dispatchEvent(new Event('submit'));
      await fixture.whenStable();
    };
    return { fixture, root, fill, submit, signedIn, http: TestBed.inject(HttpTestingController) };
  }

  for (const variant of ['page', 'inline'] as const) {
    it(`${variant}: wrong credentials clear the password and say so; a good sign-in tells the host`, async () => {
      const prefix = variant === 'inline' ? 'inline-' : '';
      const { root, fill, submit, signedIn, http, fixture } = await form(variant);
      expect(root.querySelector('.password-input__toggle') !== null).toBe(variant === 'page');
      fill(`${prefix}email`, 'lea@example.com');
      fill(`${prefix}password`, 'wrong-password-1');
      await submit();
      http.expectOne('/api/v1/auth/sessions').flush({ status: 401, code: 'unauthorized' }, { status: 401, statusText: 'Unauthorized' });
      await fixture.whenStable();
      expect(root.querySelector('.form-alert')?.textContent).toContain('The email address or the password is incorrect.');
      expect(root.querySelector<HTMLInputElement>(`#${prefix}password`)!.value).toBe('');

      fill(`${prefix}password`, 'violet-tractor-harbour-42');
      await submit();
      const user = { id: 'u1', email: 'lea@example.com', role: 'client', emailVerified: true, locale: 'en' } as User;
      http.expectOne('/api/v1/auth/sessions').flush({ accessToken: 'a', tokenType: 'Bearer', expiresIn: 900, user });
      await fixture.whenStable();
      expect(signedIn).toEqual([user]);
    });
  }

  it('puts a locked account’s message in the alert', async () => {
    const { fill, submit, http, fixture, root } = await form('page');
    fill('email', 'lea@example.com');
    fill('password', 'whatever-it-is-1');
    await submit();
    http.expectOne('/api/v1/auth/sessions').flush({ status: 429, code: 'locked' }, { status: 429, statusText: 'Too Many Requests', headers: { 'Retry-After': '600' } });
    await fixture.whenStable();
    expect(root.querySelector('.form-alert')?.textContent).toContain('Try again in 10 min');
  });
});
