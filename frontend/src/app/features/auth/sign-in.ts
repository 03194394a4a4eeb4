import { ChangeDetectionStrategy, Component, Injector, ElementRef, inject, input, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';

import { toProblem } from '../../core/api/problem';
import { AuthService } from '../../core/auth/auth.service';
import { safeReturnUrl } from '../../core/auth/guards';
import { takeReturnUrl } from '../../core/auth/return-url';
import { TranslatePipe } from '../../core/i18n/i18n';
import { FieldError } from '../../shared/field-error';
import { applyFieldErrors, describedBy, focusFirstInvalid, showsError } from '../../shared/forms';
import { FormAlert } from '../../shared/form-alert';
import { FormMessage, message, formProblemMessage } from '../../shared/problem-message';

@Component({
  selector: 'app-sign-in',
  imports: [ReactiveFormsModule, RouterLink, TranslatePipe, FieldError, FormAlert],
  templateUrl: './sign-in.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SignIn {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);

  /** Where to go after signing in (query parameter). */
  readonly returnUrl = input<string>();

  protected readonly form = inject(NonNullableFormBuilder).group({
    email: ['', [Validators.required, Validators.email]],
    password: ['', Validators.required],
  });
  protected readonly submitting = signal(false);
  protected readonly formError = signal<FormMessage | null>(null);
  protected readonly showPassword = signal(false);
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
    this.submitting.set(true);
    const { email, password } = this.form.getRawValue();
    this.auth.signIn(email, password).subscribe({
      next: () => {
        this.submitting.set(false);
        void this.router.navigateByUrl(safeReturnUrl(this.returnUrl() ?? takeReturnUrl()));
      },
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
