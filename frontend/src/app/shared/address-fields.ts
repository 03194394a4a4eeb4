import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormControl, FormGroup, NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { switchMap, startWith, of } from 'rxjs';
import { toObservable } from '@angular/core/rxjs-interop';

import type { Address } from '../core/api/models';
import { ISO_COUNTRIES, MARKETS, POSTAL_CODE_EXAMPLES } from '../core/format/countries';
import { I18n, TranslatePipe } from '../core/i18n/i18n';
import { FieldError } from './field-error';
import { describedBy, showsError } from './forms';

export type AddressGroup = FormGroup<{
  line1: FormControl<string>;
  line2: FormControl<string>;
  postalCode: FormControl<string>;
  city: FormControl<string>;
  countryCode: FormControl<string>;
}>;

/** The address controls, named as the API names them (so `address.postalCode` errors land). */
export function addressGroup(fb: NonNullableFormBuilder, address?: Address | null): AddressGroup {
  return fb.group({
    line1: [address?.line1 ?? '', [Validators.required, Validators.maxLength(200)]],
    line2: [address?.line2 ?? '', Validators.maxLength(200)],
    postalCode: [address?.postalCode ?? '', Validators.required],
    city: [address?.city ?? '', [Validators.required, Validators.maxLength(200)]],
    countryCode: [address?.countryCode ?? '', Validators.required],
  });
}

export function toAddress(value: ReturnType<AddressGroup['getRawValue']>): Address {
  return {
    line1: value.line1.trim(),
    line2: value.line2.trim() || null,
    postalCode: value.postalCode.trim(),
    city: value.city.trim(),
    countryCode: value.countryCode,
  };
}

/** Street, postal code, city and country (our markets first, then every country by name). */
@Component({
  selector: 'app-address-fields',
  imports: [ReactiveFormsModule, TranslatePipe, FieldError],
  changeDetection: ChangeDetectionStrategy.Default,
  template: `
    <div [formGroup]="group()" class="grid-2">
      <div class="field field--full">
        <label for="address-line1">{{ 'fields.line1' | t }} <span class="req" aria-hidden="true">*</span></label>
        <input id="address-line1" formControlName="line1" autocomplete="address-line1" required
          [attr.aria-invalid]="showsError(group().controls.line1)" [attr.aria-describedby]="describedBy(group().controls.line1, 'address-line1-error')" />
        <app-field-error [control]="group().controls.line1" field="address.line1" id="address-line1-error" />
      </div>
      <div class="field field--full">
        <label for="address-line2">{{ 'fields.line2' | t }} <span class="optional">{{ 'forms.optional' | t }}</span></label>
        <input id="address-line2" formControlName="line2" autocomplete="address-line2"
          [attr.aria-invalid]="showsError(group().controls.line2)" [attr.aria-describedby]="describedBy(group().controls.line2, 'address-line2-error')" />
        <app-field-error [control]="group().controls.line2" field="address.line2" id="address-line2-error" />
      </div>
      <div class="field">
        <label for="address-country">{{ 'fields.country' | t }} <span class="req" aria-hidden="true">*</span></label>
        <select id="address-country" formControlName="countryCode" autocomplete="country" required
          [attr.aria-invalid]="showsError(group().controls.countryCode)" [attr.aria-describedby]="describedBy(group().controls.countryCode, 'address-country-error')">
          <option value="">{{ 'forms.choose' | t }}</option>
          <optgroup [label]="'fields.ourCountries' | t">
            @for (code of markets; track code) {
              <option [value]="code">{{ i18n.countryName(code) }}</option>
            }
          </optgroup>
          <optgroup [label]="'fields.allCountries' | t">
            @for (country of otherCountries(); track country.code) {
              <option [value]="country.code">{{ country.name }}</option>
            }
          </optgroup>
        </select>
        <app-field-error [control]="group().controls.countryCode" field="address.countryCode" id="address-country-error" />
      </div>
      <div class="field">
        <label for="address-postalCode">{{ 'fields.postalCode' | t }} <span class="req" aria-hidden="true">*</span></label>
        <input id="address-postalCode" formControlName="postalCode" autocomplete="postal-code" required
          [attr.aria-invalid]="showsError(group().controls.postalCode)"
          [attr.aria-describedby]="describedBy(group().controls.postalCode, 'address-postalCode-error', 'address-postalCode-hint')" />
        <p class="hint" id="address-postalCode-hint">{{ postalHint() }}</p>
        <app-field-error [control]="group().controls.postalCode" field="address.postalCode" id="address-postalCode-error" />
      </div>
      <div class="field field--full">
        <label for="address-city">{{ 'fields.city' | t }} <span class="req" aria-hidden="true">*</span></label>
        <input id="address-city" formControlName="city" autocomplete="address-level2" required
          [attr.aria-invalid]="showsError(group().controls.city)" [attr.aria-describedby]="describedBy(group().controls.city, 'address-city-error')" />
        <app-field-error [control]="group().controls.city" field="address.city" id="address-city-error" />
      </div>
    </div>
  `,
})
export class AddressFields {
  protected readonly i18n = inject(I18n);
  readonly group = input.required<AddressGroup>();
  protected readonly markets = MARKETS;
  protected readonly showsError = showsError;
  protected readonly describedBy = describedBy;

  private readonly country = toSignal(
    toObservable(this.group).pipe(
      switchMap((group) => group?.controls.countryCode.valueChanges.pipe(startWith(group.controls.countryCode.value)) ?? of('')),
    ),
    { initialValue: '' },
  );

  protected readonly otherCountries = computed(() => {
    const locale = this.i18n.intlLocale();
    const markets: readonly string[] = MARKETS;
    return ISO_COUNTRIES.filter((code) => !markets.includes(code))
      .map((code) => ({ code, name: this.i18n.countryName(code) }))
      .sort((a, b) => a.name.localeCompare(b.name, locale));
  });

  protected readonly postalHint = computed(() => {
    const example = POSTAL_CODE_EXAMPLES[this.country()];
    return example ? this.i18n.t('hints.postalCodeExample', { example }) : this.i18n.t('hints.postalCode');
  });
}
