import { ChangeDetectionStrategy, Component, Injector, ElementRef, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { RouterLink } from '@angular/router';

import { toProblem } from '../../core/api/problem';
import { AuthService } from '../../core/auth/auth.service';
import { TranslatePipe } from '../../core/i18n/i18n';
import { FieldError } from '../../shared/field-error';
import { applyFieldErrors, focusAfterRender, describedBy, focusFirstInvalid, showsError } from '../../shared/forms';
import { FormAlert } from '../../shared/form-alert';
import { FormMessage, formProblemMessage } from '../../shared/problem-message';

@Component({
  selector: 'app-forgot-password',
  imports: [ReactiveFormsModule, RouterLink, TranslatePipe, FieldError, FormAlert],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="container auth-page">
      <div class="card auth-card">
        @if (sentTo(); as address) {
          <div class="success-mark" aria-hidden="true">✉</div>
          <h1 id="forgot-sent" tabindex="-1">{{ 'auth.forgot.sentHeading' | t }}</h1>
          <p>{{ 'auth.forgot.sentText' | t: { email: address } }}</p>
          <p class="muted">{{ 'auth.forgot.sentHint' | t }}</p>
          <a routerLink="/sign-in" class="btn btn--primary">{{ 'auth.forgot.backToSignIn' | t }}</a>
        } @else {
          <h1>{{ 'auth.forgot.heading' | t }}</h1>
          <p class="lead">{{ 'auth.forgot.lead' | t }}</p>
          <app-form-alert [message]="formError()" />
          <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
            <div class="field">
              <label for="email">{{ 'fields.email' | t }}</label>
              <input id="email" type="email" formControlName="email" autocomplete="email" inputmode="email"
                [attr.aria-invalid]="showsError(form.controls.email)" [attr.aria-describedby]="describedBy(form.controls.email, 'email-error')" />
              <app-field-error [control]="form.controls.email" field="email" id="email-error" />
            </div>
            <button type="submit" class="btn btn--primary btn--block" [disabled]="submitting()">{{ 'auth.forgot.submit' | t }}</button>
          </form>
          <p class="auth-card__footer"><a routerLink="/sign-in">{{ 'auth.forgot.backToSignIn' | t }}</a></p>
        }
      </div>
    </div>
  `,
})
export class ForgotPassword {
  private readonly auth = inject(AuthService);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);
  protected readonly form = inject(NonNullableFormBuilder).group({ email: ['', [Validators.required, Validators.email]] });
  protected readonly submitting = signal(false);
  protected readonly formError = signal<FormMessage | null>(null);
  protected readonly sentTo = signal<string | null>(null);
  protected readonly showsError = showsError;
  protected readonly describedBy = describedBy;

  protected submit(): void {
    this.formError.set(null);
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      focusFirstInvalid(this.injector, this.host.nativeElement);
      return;
    }
    const email = this.form.getRawValue().email.trim();
    this.submitting.set(true);
    this.auth.requestPasswordReset(email).subscribe({
      next: () => {
        this.submitting.set(false);
        this.sentTo.set(email.toLowerCase());
        focusAfterRender(this.injector, this.host.nativeElement, '#forgot-sent');
      },
      error: (error: unknown) => {
        this.submitting.set(false);
        const problem = toProblem(error);
        this.formError.set(formProblemMessage(problem, applyFieldErrors(this.form, problem.errors)));
      },
    });
  }
}
