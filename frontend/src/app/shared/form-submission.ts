import { ElementRef, Injector, Signal, inject, signal } from '@angular/core';
import { FormGroup } from '@angular/forms';

import { ApiProblem, toProblem } from '../core/api/problem';
import { applyFieldErrors, focusFirstInvalid } from './forms';
import { FormMessage, formProblemMessage, message } from './problem-message';

/**
 * The submit of a form with an alert (`<app-form-alert [message]="submission.error()">`), the
 * way every form of the app does it: invalid → every control touched, "check the fields" in the
 * alert and the focus on the first invalid field; a failed call → the API's field errors on their
 * controls, the others and the problem's message in the alert, the focus on the first invalid field.
 */
export interface FormSubmission {
  /** A call is in flight (the submit button is disabled and `aria-busy`). */
  readonly submitting: Signal<boolean>;
  /** What the form's alert shows. */
  readonly error: Signal<FormMessage | null>;
  /** Clears the alert; `true` when the form may be sent (then `submitting`), else shows why. */
  start(): boolean;
  /** The call answered. */
  succeeded(): void;
  /** The call failed: its problem (already shown). */
  failed(error: unknown): ApiProblem;
  /** Clears the alert (the form is shown again). */
  clear(): void;
}

/** Call in an injection context (a field initializer of the component that owns `form`). */
export function formSubmission(form: FormGroup): FormSubmission {
  const injector = inject(Injector);
  const host = inject<ElementRef<HTMLElement>>(ElementRef);
  const submitting = signal(false);
  const error = signal<FormMessage | null>(null);
  return {
    submitting: submitting.asReadonly(),
    error: error.asReadonly(),
    start() {
      error.set(null);
      if (form.invalid) {
        form.markAllAsTouched();
        error.set(message('errors.checkFields'));
        focusFirstInvalid(injector, host.nativeElement);
        return false;
      }
      submitting.set(true);
      return true;
    },
    succeeded() {
      submitting.set(false);
    },
    failed(failure: unknown) {
      submitting.set(false);
      const problem = toProblem(failure);
      error.set(formProblemMessage(problem, applyFieldErrors(form, problem.errors)));
      focusFirstInvalid(injector, host.nativeElement);
      return problem;
    },
    clear() {
      error.set(null);
    },
  };
}
