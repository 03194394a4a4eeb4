import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';

import { AuthService } from '../../core/auth/auth.service';
import { TranslatePipe } from '../../core/i18n/i18n';
import { FieldError } from '../../shared/field-error';
import { describedBy, matchingPasswords, newPasswordValidator, showsError } from '../../shared/forms';
import { formSubmission } from '../../shared/form-submission';
import { PasswordRulesComponent } from '../../shared/password-rules';
import { FormAlert } from '../../shared/form-alert';
import { AccountService } from './account.service';

@Component({
  selector: 'app-security',
  imports: [ReactiveFormsModule, TranslatePipe, FieldError, FormAlert, PasswordRulesComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>{{ 'account.security.heading' | t }}</h1>
    <p class="lead">{{ 'account.security.lead' | t }}</p>

    <div class="status-region" role="status" aria-live="polite">
      @if (done()) {
        <div class="alert alert--success"><p>{{ 'account.security.changed' | t }}</p></div>
      }
    </div>

    <section class="card" aria-labelledby="password-title">
      <h2 id="password-title">{{ 'account.security.passwordTitle' | t }}</h2>
      <app-form-alert [message]="submission.error()" />
      <form [formGroup]="form" (ngSubmit)="submit()" novalidate class="narrow-form">
        <div class="field">
          <label for="currentPassword">{{ 'fields.currentPassword' | t }}</label>
          <input id="currentPassword" type="password" formControlName="currentPassword" autocomplete="current-password"
            [attr.aria-invalid]="showsError(form.controls.currentPassword)" [attr.aria-describedby]="describedBy(form.controls.currentPassword, 'currentPassword-error')" />
          <app-field-error [control]="form.controls.currentPassword" field="currentPassword" id="currentPassword-error" />
        </div>
        <div class="field">
          <label for="newPassword">{{ 'fields.newPassword' | t }}</label>
          <input id="newPassword" type="password" formControlName="newPassword" autocomplete="new-password"
            [attr.aria-invalid]="showsError(form.controls.newPassword)" [attr.aria-describedby]="describedBy(form.controls.newPassword, 'newPassword-error', 'password-rules')" />
          <app-password-rules id="password-rules" [password]="password()" [email]="email()" />
          <app-field-error [control]="form.controls.newPassword" field="newPassword" id="newPassword-error" />
        </div>
        <div class="field">
          <label for="confirmation">{{ 'fields.confirmPassword' | t }}</label>
          <input id="confirmation" type="password" formControlName="confirmation" autocomplete="new-password"
            [attr.aria-invalid]="showsError(form.controls.confirmation)" [attr.aria-describedby]="describedBy(form.controls.confirmation, 'confirmation-error')" />
          <app-field-error [control]="form.controls.confirmation" field="confirmation" id="confirmation-error" />
        </div>
        <button type="submit" class="btn btn--primary" [disabled]="submission.submitting()" [attr.aria-busy]="submission.submitting()">{{ 'account.security.submit' | t }}</button>
      </form>
    </section>
  `,
})
export class Security {
  private readonly account = inject(AccountService);
  private readonly auth = inject(AuthService);

  protected readonly email = () => this.auth.user()?.email ?? '';
  protected readonly form = inject(NonNullableFormBuilder).group(
    {
      currentPassword: ['', Validators.required],
      newPassword: ['', [Validators.required, newPasswordValidator(() => this.auth.user()?.email ?? '')]],
      confirmation: ['', Validators.required],
    },
    { validators: matchingPasswords('newPassword', 'confirmation') },
  );
  protected readonly password = toSignal(this.form.controls.newPassword.valueChanges, { initialValue: '' });
  protected readonly submission = formSubmission(this.form);
  protected readonly done = signal(false);
  protected readonly showsError = showsError;
  protected readonly describedBy = describedBy;

  protected submit(): void {
    this.done.set(false);
    if (!this.submission.start()) return;
    const { currentPassword, newPassword } = this.form.getRawValue();
    this.account.changePassword(currentPassword, newPassword).subscribe({
      next: () => {
        this.submission.succeeded();
        this.form.reset();
        this.done.set(true);
      },
      error: (error: unknown) => this.submission.failed(error),
    });
  }
}
