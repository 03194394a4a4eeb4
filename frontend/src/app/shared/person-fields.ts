import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { FormControl, FormGroup, NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';

import type { Address, User } from '../core/api/models';
import { TranslatePipe } from '../core/i18n/i18n';
import { AddressFields, AddressGroup, addressGroup, toAddress } from './address-fields';
import { FieldError } from './field-error';
import { adultValidator, describedBy, showsError } from './forms';

/** The driver's personal details and home address, as the register page and the profile ask them. */
export interface PersonControls {
  firstName: FormControl<string>;
  lastName: FormControl<string>;
  birthDate: FormControl<string>;
  phone: FormControl<string>;
  address: AddressGroup;
}

/** The details an account holds about its driver, as the API takes them (registration, profile update). */
export interface PersonDetails {
  firstName: string;
  lastName: string;
  birthDate: string;
  phone: string | null;
  address: Address;
}

/**
 * The controls of {@link PersonFields}, to spread at the top level of the page's form: they are
 * named as the API names its fields, so that `applyFieldErrors` puts `firstName` or
 * `address.postalCode` errors on them.
 */
export function personControls(fb: NonNullableFormBuilder): PersonControls {
  return {
    firstName: fb.control('', [Validators.required, Validators.maxLength(100)]),
    lastName: fb.control('', [Validators.required, Validators.maxLength(100)]),
    birthDate: fb.control('', [Validators.required, adultValidator()]),
    phone: fb.control(''),
    address: addressGroup(fb),
  };
}

/** A form that has the {@link personControls} at its top level, whatever else it has. */
export type FormWithPerson = FormGroup & { readonly controls: PersonControls };

type PersonValue = { [K in keyof PersonControls]: ReturnType<PersonControls[K]['getRawValue']> };

/** The values of the controls for what the account holds (the profile's edit form). */
export function personValue(user: User): PersonValue {
  return {
    firstName: user.firstName ?? '',
    lastName: user.lastName ?? '',
    birthDate: user.birthDate ?? '',
    phone: user.phone ?? '',
    address: {
      line1: user.address?.line1 ?? '',
      line2: user.address?.line2 ?? '',
      postalCode: user.address?.postalCode ?? '',
      city: user.address?.city ?? '',
      countryCode: user.address?.countryCode ?? '',
    },
  };
}

/** The request's part of the controls' values: trimmed, an empty phone as `null`. */
export function toPersonDetails(value: PersonValue): PersonDetails {
  return {
    firstName: value.firstName.trim(),
    lastName: value.lastName.trim(),
    birthDate: value.birthDate,
    phone: value.phone.trim() || null,
    address: toAddress(value.address),
  };
}

/** The last date of birth of someone aged 18 today (`YYYY-MM-DD`, the input's `max`). */
function adultBirthDateMax(today = new Date()): string {
  return `${today.getFullYear() - 18}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
}

/**
 * The "Driver" and "Home address" sections of the register and profile forms, on the controls of
 * {@link personControls}. Their texts are in `person-messages.*` (registered by the auth and
 * account routes).
 */
@Component({
  selector: 'app-person-fields',
  imports: [ReactiveFormsModule, TranslatePipe, FieldError, AddressFields],
  // Default: the error states follow the controls (touched, server errors), like AddressFields.
  changeDetection: ChangeDetectionStrategy.Default,
  template: `
    @let c = form().controls;
    <fieldset class="form-section" [formGroup]="form()">
      <legend>{{ 'personForm.driver' | t }}</legend>
      <div class="grid-2">
        <div class="field">
          <label for="firstName">{{ 'fields.firstName' | t }} <span class="req" aria-hidden="true">*</span></label>
          <input id="firstName" formControlName="firstName" autocomplete="given-name" required
            [attr.aria-invalid]="showsError(c.firstName)" [attr.aria-describedby]="describedBy(c.firstName, 'firstName-error')" />
          <app-field-error [control]="c.firstName" field="firstName" id="firstName-error" />
        </div>
        <div class="field">
          <label for="lastName">{{ 'fields.lastName' | t }} <span class="req" aria-hidden="true">*</span></label>
          <input id="lastName" formControlName="lastName" autocomplete="family-name" required
            [attr.aria-invalid]="showsError(c.lastName)" [attr.aria-describedby]="describedBy(c.lastName, 'lastName-error')" />
          <app-field-error [control]="c.lastName" field="lastName" id="lastName-error" />
        </div>
        <div class="field">
          <label for="birthDate">{{ 'fields.birthDate' | t }} <span class="req" aria-hidden="true">*</span></label>
          <input id="birthDate" type="date" formControlName="birthDate" autocomplete="bday" required min="1900-01-01" [max]="maxBirthDate"
            [attr.aria-invalid]="showsError(c.birthDate)" [attr.aria-describedby]="describedBy(c.birthDate, 'birthDate-error', 'birthDate-hint')" />
          <p class="hint" id="birthDate-hint">{{ 'hints.birthDate' | t }}</p>
          <app-field-error [control]="c.birthDate" field="birthDate" id="birthDate-error" />
        </div>
        <div class="field">
          <label for="phone">{{ 'fields.phone' | t }} <span class="optional">{{ 'forms.optional' | t }}</span></label>
          <input id="phone" type="tel" formControlName="phone" autocomplete="tel"
            [attr.aria-invalid]="showsError(c.phone)" [attr.aria-describedby]="describedBy(c.phone, 'phone-error', 'phone-hint')" />
          <p class="hint" id="phone-hint">{{ 'hints.phone' | t }}</p>
          <app-field-error [control]="c.phone" field="phone" id="phone-error" />
        </div>
      </div>
    </fieldset>

    <fieldset class="form-section">
      <legend>{{ 'personForm.address' | t }}</legend>
      <app-address-fields [group]="c.address" />
    </fieldset>
  `,
})
export class PersonFields {
  /** The page's form, with the {@link personControls} at its top level (and its own controls besides). */
  readonly form = input.required<FormWithPerson>();
  protected readonly maxBirthDate = adultBirthDateMax();
  protected readonly showsError = showsError;
  protected readonly describedBy = describedBy;
}
