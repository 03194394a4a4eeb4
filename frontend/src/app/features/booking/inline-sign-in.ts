import { ChangeDetectionStrategy, Component, ElementRef, Injector, inject, input } from '@angular/core';
import { signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { RouterLink } from '@angular/router';

import { toProblem } from '../../core/api/problem';
import { AuthService } from '../../core/auth/auth.service';
import { TranslatePipe } from '../../core/i18n/i18n';
import { FieldError } from '../../shared/field-error';
import { FormAlert } from '../../shared/form-alert';
import { applyFieldErrors, describedBy, focusFirstInvalid, showsError } from '../../shared/forms';
import { FormMessage, formProblemMessage, message } from '../../shared/problem-message';

/** Sign in without leaving the page (the booking summary): the page goes on once the session starts. */
@Component({
  selector: 'app-inline-sign-in',
  imports: [ReactiveFormsModule, RouterLink, TranslatePipe, FieldError, FormAlert],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="card inline-auth" aria-labelledby="inline-auth-title">
      <h2 id="inline-auth-title">{{ 'booking.auth.title' | t }}</h2>
      <p>{{ 'booking.auth.lead' | t }}</p>
      <app-form-alert [message]="formError()" alertId="inline-sign-in-error" />
      <form [formGroup]="form" (ngSubmit)="submit()" novalidate class="inline-auth__form">
        <div class="field">
          <label for="inline-email">{{ 'fields.email' | t }}</label>
          <input id="inline-email" type="email" formControlName="email" autocomplete="username" inputmode="email"
            [attr.aria-invalid]="showsError(form.controls.email)" [attr.aria-describedby]="describedBy(form.controls.email, 'inline-email-error')" />
          <app-field-error [control]="form.controls.email" field="email" id="inline-email-error" />
        </div>
        <div class="field">
          <label for="inline-password">{{ 'fields.password' | t }}</label>
          <input id="inline-password" type="password" formControlName="password" autocomplete="current-password"
            [attr.aria-invalid]="showsError(form.controls.password)" [attr.aria-describedby]="describedBy(form.controls.password, 'inline-password-error')" />
          <app-field-error [control]="form.controls.password" field="password" id="inline-password-error" />
        </div>
        <button type="submit" class="btn btn--primary" [disabled]="submitting()" [attr.aria-busy]="submitting()">
          {{ (submitting() ? 'auth.signIn.submitting' : 'booking.auth.signIn') | t }}
        </button>
      </form>
      <p class="inline-auth__register">
        {{ 'booking.auth.noAccount' | t }}
        <a routerLink="/register" [queryParams]="{ returnUrl: returnUrl() }">{{ 'booking.auth.register' | t }}</a>
      </p>
    </section>
  `,
})
export class InlineSignIn {
  private readonly auth = inject(AuthService);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);

  /** This page's URL, to come back to after registering. */
  readonly returnUrl = input.required<string>();

  protected readonly form = inject(NonNullableFormBuilder).group({
    email: ['', [Validators.required, Validators.email]],
    password: ['', Validators.required],
  });
  protected readonly submitting = signal(false);
  protected readonly formError = signal<FormMessage | null>(null);
  protected readonly showsError = showsError;
  protected readonly describedBy = describedBy;

  protected submit(): void {
    this.formError.set(null);
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      this.formError.set(message('errors.checkFields'));
      focusFirstInvalid(this.injector, this.host.nativeElement);
      return;
    }
    const { email, password } = this.form.getRawValue();
    this.submitting.set(true);
    this.auth.signIn(email, password).subscribe({
      next: () => this.submitting.set(false),
      error: (error: unknown) => {
        this.submitting.set(false);
        const problem = toProblem(error);
        if (problem.status === 401) {
          this.formError.set(message('auth.signIn.badCredentials'));
          this.form.controls.password.reset();
        } else {
          this.formError.set(formProblemMessage(problem, applyFieldErrors(this.form, problem.errors)));
        }
      },
    });
  }
}
