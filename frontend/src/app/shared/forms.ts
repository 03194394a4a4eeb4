import { Injector, afterNextRender } from '@angular/core';
import { AbstractControl, FormGroup, ValidationErrors, ValidatorFn } from '@angular/forms';

import type { FieldProblem } from '../core/api/problem';

/** The form control of an API field name (`address.postalCode` → the `postalCode` control of `address`). */
export function controlFor(form: FormGroup, field: string, aliases: Readonly<Record<string, string>> = {}): AbstractControl | null {
  return form.get(aliases[field] ?? field);
}

/**
 * Puts the API's field errors on their controls (as `{ server: { code, message } }`) and returns
 * those that match no control, for a form-level message.
 */
export function applyFieldErrors(
  form: FormGroup,
  errors: readonly FieldProblem[],
  aliases: Readonly<Record<string, string>> = {},
): FieldProblem[] {
  const unmatched: FieldProblem[] = [];
  for (const error of errors) {
    const control = controlFor(form, error.field, aliases);
    if (control) {
      control.setErrors({ ...(control.errors ?? {}), server: { code: error.code, message: error.message, field: error.field } });
      control.markAsTouched();
    } else {
      unmatched.push(error);
    }
  }
  return unmatched;
}

/** After the next render, focuses the element of `root` matching `selector` (a new section's heading, say). */
export function focusAfterRender(injector: Injector, root: HTMLElement, selector: string): void {
  afterNextRender({ write: () => root.querySelector<HTMLElement>(selector)?.focus() }, { injector });
}

/**
 * After the next render (when the error states are in the DOM), focuses the first invalid field
 * under `root`, so keyboard and screen-reader users land on it.
 */
export function focusFirstInvalid(injector: Injector, root: HTMLElement): void {
  afterNextRender(
    {
      write: () => {
        const fields = 'input, select, textarea';
        const invalid = Array.from(root.querySelectorAll<HTMLElement>(fields)).find(
          (el) => el.getAttribute('aria-invalid') === 'true' || el.classList.contains('ng-invalid'),
        );
        invalid?.focus();
      },
    },
    { injector },
  );
}

/** The rules the API applies to a new password that can be checked while typing. */
export interface PasswordRules {
  length: boolean;
  maxLength: boolean;
  notEmail: boolean;
}

export function passwordRules(password: string, email: string): PasswordRules {
  const length = [...password].length;
  const lowered = password.toLowerCase();
  const address = email.trim().toLowerCase();
  const local = address.split('@')[0] ?? '';
  const containsEmail = (address.includes('@') && lowered.includes(address)) || (local.length >= 4 && lowered.includes(local));
  return { length: length >= 12, maxLength: length <= 128, notEmail: !containsEmail };
}

/** A new password that meets the checkable rules (the common-password list is the API's). */
export function newPasswordValidator(emailOf: () => string): ValidatorFn {
  return (control: AbstractControl): ValidationErrors | null => {
    const value = String(control.value ?? '');
    if (!value) return null;
    const rules = passwordRules(value, emailOf());
    return rules.length && rules.maxLength && rules.notEmail ? null : { passwordRules: true };
  };
}

/** Both password fields of a group match. */
export function matchingPasswords(passwordName: string, confirmationName: string): ValidatorFn {
  return (group: AbstractControl): ValidationErrors | null => {
    const confirmation = group.get(confirmationName);
    const mismatch = !!confirmation?.value && group.get(passwordName)?.value !== confirmation.value;
    const { mismatch: _previous, ...others } = confirmation?.errors ?? {};
    if (confirmation) confirmation.setErrors(mismatch ? { ...others, mismatch: true } : Object.keys(others).length ? others : null);
    return null;
  };
}

/** A birth date of someone aged 18 or more today (`YYYY-MM-DD`); the API decides in the end. */
export function adultValidator(today: () => Date = () => new Date()): ValidatorFn {
  return (control: AbstractControl): ValidationErrors | null => {
    const value = String(control.value ?? '');
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!match) return null;
    const now = today();
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    if (new Date(Date.UTC(year, month - 1, day)) > now) return { server: { code: 'in_future' } };
    let age = now.getFullYear() - year;
    if (now.getMonth() + 1 < month || (now.getMonth() + 1 === month && now.getDate() < day)) age -= 1;
    return age < 18 ? { server: { code: 'underage' } } : null;
  };
}

/** Whether a control's error should be shown (after the user touched it or submitted). */
export function showsError(control: AbstractControl | null): boolean {
  return !!control && control.invalid && (control.touched || control.dirty);
}

/** `aria-describedby` of an input: its hint and, when shown, its error. */
export function describedBy(control: AbstractControl | null, errorId: string, ...others: string[]): string | null {
  const ids = [...others, ...(showsError(control) ? [errorId] : [])];
  return ids.length ? ids.join(' ') : null;
}
