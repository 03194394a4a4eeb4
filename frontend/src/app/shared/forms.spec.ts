import { FormControl, FormGroup, NonNullableFormBuilder } from '@angular/forms';
import { TestBed } from '@angular/core/testing';

import { addressGroup } from './address-fields';
import { adultValidator, applyFieldErrors, matchingPasswords, passwordRules } from './forms';
import { errorMessage, fieldKeys, unmatchedFieldMessage } from './field-error';
import { I18n } from '../core/i18n/i18n';

describe('API field errors on forms', () => {
  it('land on the control named like the API field, nested ones included', () => {
    const fb = TestBed.inject(NonNullableFormBuilder);
    const form = fb.group({ email: [''], address: addressGroup(fb) });
    const unmatched = applyFieldErrors(form, [
      { field: 'address.postalCode', code: 'invalid', message: 'not a valid postal code for this country' },
      { field: 'email', code: 'invalid', message: 'not a valid email address' },
      { field: 'acceptTerms', code: 'required', message: 'the terms must be accepted' },
    ]);
    expect(form.get('address.postalCode')?.errors?.['server']).toMatchObject({ code: 'invalid' });
    expect(form.get('address.postalCode')?.touched).toBe(true);
    expect(form.controls.email.errors?.['server']).toMatchObject({ code: 'invalid' });
    expect(unmatched.map((e) => e.field)).toEqual(['acceptTerms']);
  });

  it('are shown in the current language, field-specific first, then by code, then the API’s text', () => {
    const i18n = TestBed.inject(I18n);
    i18n.setLocale('fr');
    expect(errorMessage(i18n, 'address.postalCode', { server: { code: 'invalid' } })).toBe('Ce code postal ne correspond pas au pays choisi.');
    expect(errorMessage(i18n, 'birthDate', { server: { code: 'underage' } })).toBe('Il faut avoir au moins 18 ans pour louer une voiture.');
    expect(errorMessage(i18n, 'lastName', { required: true })).toBe('Ce champ est obligatoire.');
    expect(errorMessage(i18n, 'pickupAt', { server: { code: 'too_soon', message: 'pickup must be 2 h ahead' } })).toBe(
      'La prise en charge doit avoir lieu au moins 2 heures après maintenant.',
    );
    expect(errorMessage(i18n, 'returnAt', { server: { code: 'too_long', message: 'at most 90 days' } })).toBe('Une location dure au plus 90 jours.');
    // A code the SPA does not know yet: never the API's English in the French UI.
    expect(errorMessage(i18n, 'pickupAt', { server: { code: 'brand_new', message: 'a new rule' } })).toBe('Cette valeur n’est pas valide.');
    i18n.setLocale('en');
    expect(errorMessage(i18n, 'pickupAt', { server: { code: 'brand_new', message: 'a new rule' } })).toBe('a new rule');
    expect(fieldKeys('address.postalCode', 'invalid')).toEqual(['errors.fields.address_postalCode.invalid', 'errors.codes.invalid']);
  });

  it('that match no control read, for the form’s alert, with the field’s label when it has one', () => {
    const i18n = TestBed.inject(I18n);
    i18n.setLocale('en');
    expect(unmatchedFieldMessage(i18n, { field: 'acceptTerms', code: 'required', message: '' })).toBe('You must accept the terms to create an account.');
    expect(unmatchedFieldMessage(i18n, { field: 'phone', code: 'required', message: '' })).toBe('Phone number: This field is required.');
    expect(unmatchedFieldMessage(i18n, { field: 'Idempotency-Key', code: 'idempotency_key_reused', message: '' })).toMatch(/already sent/);
    i18n.setLocale('fr');
    expect(unmatchedFieldMessage(i18n, { field: 'address.city', code: 'required', message: '' })).toBe('Ville : Ce champ est obligatoire.');
  });
});

describe('password rules', () => {
  it('check length and the email address as the API does', () => {
    expect(passwordRules('short', '')).toMatchObject({ length: false, notEmail: true });
    expect(passwordRules('violet-tractor-harbour-42', 'ana@example.com')).toEqual({ length: true, maxLength: true, notEmail: true });
    expect(passwordRules('ana.silva-2026!!', 'ana.silva@example.com').notEmail).toBe(false);
    expect(passwordRules('x'.repeat(129), '').maxLength).toBe(false);
  });

  it('flag a confirmation that differs', () => {
    const group = new FormGroup(
      { password: new FormControl('violet-tractor-harbour-42'), confirmation: new FormControl('other') },
      { validators: matchingPasswords('password', 'confirmation') },
    );
    expect(group.controls.confirmation.errors).toEqual({ mismatch: true });
    group.controls.confirmation.setValue('violet-tractor-harbour-42');
    expect(group.controls.confirmation.errors).toBeNull();
  });
});

describe('birth date', () => {
  const today = () => new Date(2026, 2, 11);
  it('accepts 18 today, refuses 17 and dates in the future', () => {
    const validate = adultValidator(today);
    expect(validate(new FormControl('2008-03-11'))).toBeNull();
    expect(validate(new FormControl('2008-03-12'))).toEqual({ server: { code: 'underage' } });
    expect(validate(new FormControl('2027-01-01'))).toEqual({ server: { code: 'in_future' } });
    expect(validate(new FormControl(''))).toBeNull();
  });
});
