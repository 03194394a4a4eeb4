import { ChangeDetectionStrategy, Component, Injector, ElementRef, inject, input, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';

import { toProblem } from '../../core/api/problem';
import { AuthService } from '../../core/auth/auth.service';
import { TranslatePipe } from '../../core/i18n/i18n';
import { Notices } from '../../core/notices';
import { FieldError } from '../../shared/field-error';
import { applyFieldErrors, describedBy, focusFirstInvalid, matchingPasswords, newPasswordValidator, showsError } from '../../shared/forms';
import { PasswordRulesComponent } from '../../shared/password-rules';
import { FormAlert } from '../../shared/form-alert';
import { FormMessage, message, formProblemMessage } from '../../shared/problem-message';

/**
 * `/reset-password?token=…` (a customer's reset link) and `/set-password?token=…` (a staff
 * invitation): both set a new password with `POST /auth/password-resets`.
 */
@Component({
  selector: 'app-set-password',
  imports: [ReactiveFormsModule, RouterLink, TranslatePipe, FieldError, FormAlert, PasswordRulesComponent],
  templateUrl: './set-password.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SetPassword {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly notices = inject(Notices);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);

  /** `reset` or `staff` (route data). */
  readonly mode = input<'reset' | 'staff'>('reset');
  /** The emailed token (query parameter). */
  readonly token = input<string>();

  protected readonly form = inject(NonNullableFormBuilder).group(
    {
      newPassword: ['', [Validators.required, newPasswordValidator(() => '')]],
      confirmation: ['', Validators.required],
    },
    { validators: matchingPasswords('newPassword', 'confirmation') },
  );
  protected readonly password = toSignal(this.form.controls.newPassword.valueChanges, { initialValue: '' });
  protected readonly submitting = signal(false);
  protected readonly formError = signal<FormMessage | null>(null);
  protected readonly linkInvalid = signal(false);
  protected readonly showPassword = signal(false);
  protected readonly showsError = showsError;
  protected readonly describedBy = describedBy;

  protected submit(): void {
    this.formError.set(null);
    const token = this.token();
    if (!token) {
      this.linkInvalid.set(true);
      return;
    }
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      this.formError.set(message('errors.checkFields'));
      focusFirstInvalid(this.injector, this.host.nativeElement);
      return;
    }
    this.submitting.set(true);
    this.auth.resetPassword(token, this.form.getRawValue().newPassword).subscribe({
      next: () => {
        this.submitting.set(false);
        this.notices.show('success', this.mode() === 'staff' ? 'notices.passwordSet' : 'notices.passwordReset');
        void this.router.navigate(['/sign-in']);
      },
      error: (error: unknown) => {
        this.submitting.set(false);
        const problem = toProblem(error);
        if (problem.errors.some((e) => e.field === 'token')) {
          this.linkInvalid.set(true);
          return;
        }
        this.formError.set(formProblemMessage(problem, applyFieldErrors(this.form, problem.errors)));
        focusFirstInvalid(this.injector, this.host.nativeElement);
      },
    });
  }
}
