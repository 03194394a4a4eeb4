import { Component, inject, input } from '@angular/core';
import { AbstractControl } from '@angular/forms';

import type { FieldProblem } from '../core/api/problem';
import { I18n } from '../core/i18n/i18n';

/**
 * The message of a control's first error, in the current language, for the field `field` (API
 * name); the input's `aria-describedby` names this element's `id`. Checked with its parent form (default
 * change detection) so it follows the control's state.
 */
@Component({
  selector: 'app-field-error',
  template: `
    @if (message(); as text) {
      <p class="field-error"><span aria-hidden="true">⚠ </span>{{ text }}</p>
    }
  `,
})
export class FieldError {
  private readonly i18n = inject(I18n);
  readonly control = input.required<AbstractControl | null>();
  readonly field = input.required<string>();

  message(): string | null {
    const control = this.control();
    if (!control || !control.errors || !(control.touched || control.dirty)) return null;
    return errorMessage(this.i18n, this.field(), control.errors);
  }
}

/**
 * The localized message of validation errors (client validators or API codes) of `field`. A code
 * the dictionaries do not know yet shows the API's text in English only (it is English), and a
 * generic message in French.
 */
export function errorMessage(i18n: I18n, field: string, errors: Record<string, unknown>): string {
  const server = errors['server'] as { code?: string; message?: string } | undefined;
  const code = server?.code ?? clientCode(errors);
  const known = i18n.lookup(fieldKeys(field, code));
  if (known !== null) return known;
  return i18n.locale() === 'en' && server?.message ? server.message : i18n.t('errors.invalid');
}

/**
 * A field error that no control shows, for a form's alert: the field's label when it has one
 * (`fields.<last part of the name>`), then its message.
 */
export function unmatchedFieldMessage(i18n: I18n, error: FieldProblem): string {
  const text = errorMessage(i18n, error.field, { server: { code: error.code, message: error.message } });
  const label = i18n.lookup([`fields.${error.field.split('.').pop() ?? error.field}`]);
  return label ? i18n.t('errors.fieldMessage', { field: label, message: text }) : text;
}

/** Keys tried in order: this field's message for the code, then the code's general message. */
export function fieldKeys(field: string, code: string): string[] {
  return [`errors.fields.${field.replace(/\./g, '_')}.${code}`, `errors.codes.${code}`];
}

function clientCode(errors: Record<string, unknown>): string {
  if (errors['required']) return 'required';
  if (errors['email'] || errors['pattern']) return 'invalid';
  if (errors['passwordRules']) return 'weak_password';
  if (errors['mismatch']) return 'mismatch';
  if (errors['maxlength']) return 'too_long';
  return 'invalid';
}
