import { ChangeDetectionStrategy, Component, ElementRef, Injector, computed, inject, input, output, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { RouterLink } from '@angular/router';

import type { User } from '../../core/api/models';
import { toProblem } from '../../core/api/problem';
import { AuthService } from '../../core/auth/auth.service';
import { TranslatePipe, type TranslationKey } from '../../core/i18n/i18n';
import { FieldError } from '../../shared/field-error';
import { FormAlert } from '../../shared/form-alert';
import { applyFieldErrors, describedBy, focusFirstInvalid, showsError } from '../../shared/forms';
import { FormMessage, formProblemMessage, message } from '../../shared/problem-message';

/**
 * The sign-in form, wherever one is needed (the sign-in page, the booking page's inline
 * sign-in): validation, the API's answers (wrong credentials, a locked or unverified account,
 * field errors, unmatched ones in the alert), and `signedIn` once the session has started.
 * Where to go next is the host's business.
 */
@Component({
  selector: 'app-sign-in-form',
  imports: [ReactiveFormsModule, RouterLink, TranslatePipe, FieldError, FormAlert],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <app-form-alert [message]="formError()" [alertId]="id('error')" />
    <form [formGroup]="form" (ngSubmit)="submit()" novalidate [class]="formClass()">
      <div class="field">
        <label [for]="id('email')">{{ 'fields.email' | t }}</label>
        <input [id]="id('email')" type="email" formControlName="email" autocomplete="username" inputmode="email"
          [attr.aria-invalid]="showsError(form.controls.email)" [attr.aria-describedby]="describedBy(form.controls.email, id('email-error'))" />
        <app-field-error [control]="form.controls.email" field="email" [id]="id('email-error')" />
      </div>

      <div class="field">
        @if (full()) {
          <div class="field__label-row">
            <label [for]="id('password')">{{ 'fields.password' | t }}</label>
            <a routerLink="/forgot-password" class="field__aside">{{ 'signIn.forgot' | t }}</a>
          </div>
          <div class="password-input">
            <input [id]="id('password')" [type]="showPassword() ? 'text' : 'password'" formControlName="password" autocomplete="current-password"
              [attr.aria-invalid]="showsError(form.controls.password)" [attr.aria-describedby]="describedBy(form.controls.password, id('password-error'))" />
            <button type="button" class="password-input__toggle" [attr.aria-pressed]="showPassword()" (click)="showPassword.set(!showPassword())">
              {{ (showPassword() ? 'password.hide' : 'password.show') | t }}
            </button>
          </div>
        } @else {
          <label [for]="id('password')">{{ 'fields.password' | t }}</label>
          <input [id]="id('password')" type="password" formControlName="password" autocomplete="current-password"
            [attr.aria-invalid]="showsError(form.controls.password)" [attr.aria-describedby]="describedBy(form.controls.password, id('password-error'))" />
        }
        <app-field-error [control]="form.controls.password" field="password" [id]="id('password-error')" />
      </div>

      <button type="submit" class="btn btn--primary" [class.btn--block]="full()" [disabled]="submitting()" [attr.aria-busy]="submitting()">
        {{ (submitting() ? 'signIn.submitting' : submitLabel()) | t }}
      </button>
    </form>
  `,
})
export class SignInForm {
  private readonly auth = inject(AuthService);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);

  /** Prefix of the element ids (two forms never share a page, but the inline one keeps its own). */
  readonly idPrefix = input('');
  /** The page's form (password toggle, "forgot your password") or the compact one of another page. */
  readonly variant = input<'page' | 'inline'>('page');
  readonly submitLabel = input<TranslationKey>('signIn.submit');
  readonly formClass = input('');
  /** The session has started. */
  readonly signedIn = output<User>();

  protected readonly full = computed(() => this.variant() === 'page');
  protected readonly form = inject(NonNullableFormBuilder).group({
    email: ['', [Validators.required, Validators.email]],
    password: ['', Validators.required],
  });
  protected readonly submitting = signal(false);
  protected readonly formError = signal<FormMessage | null>(null);
  protected readonly showPassword = signal(false);
  protected readonly showsError = showsError;
  protected readonly describedBy = describedBy;

  protected id(name: string): string {
    return `${this.idPrefix()}${name}`;
  }

  protected submit(): void {
    this.formError.set(null);
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      this.formError.set(message('errors.checkFields'));
      focusFirstInvalid(this.injector, this.host.nativeElement);
      return;
    }
    this.submitting.set(true);
    const { email, password } = this.form.getRawValue();
    this.auth.signIn(email, password).subscribe({
      next: (user) => {
        this.submitting.set(false);
        this.signedIn.emit(user);
      },
      error: (error: unknown) => {
        this.submitting.set(false);
        const problem = toProblem(error);
        if (problem.status === 401) {
          this.formError.set(message('signIn.badCredentials'));
          this.form.controls.password.reset();
        } else {
          this.formError.set(formProblemMessage(problem, applyFieldErrors(this.form, problem.errors)));
        }
      },
    });
  }
}
