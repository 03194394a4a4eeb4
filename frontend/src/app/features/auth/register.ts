import { ChangeDetectionStrategy, Component, Injector, ElementRef, inject, input, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { RouterLink } from '@angular/router';

import { AuthService } from '../../core/auth/auth.service';
import { safeReturnUrl } from '../../core/auth/guards';
import { rememberReturnUrl } from '../../core/auth/return-url';
import { I18n, TranslatePipe } from '../../core/i18n/i18n';
import { FieldError } from '../../shared/field-error';
import { focusAfterRender, describedBy, newPasswordValidator, showsError } from '../../shared/forms';
import { formSubmission } from '../../shared/form-submission';
import { PasswordRulesComponent } from '../../shared/password-rules';
import { FormAlert } from '../../shared/form-alert';
import { PersonFields, personControls, toPersonDetails } from '../../shared/person-fields';

@Component({
  selector: 'app-register',
  imports: [ReactiveFormsModule, RouterLink, TranslatePipe, FieldError, FormAlert, PasswordRulesComponent, PersonFields],
  templateUrl: './register.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Register {
  private readonly auth = inject(AuthService);
  private readonly i18n = inject(I18n);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);
  private readonly fb = inject(NonNullableFormBuilder);

  private readonly emailControl = this.fb.control('', [Validators.required, Validators.email]);
  /** Where to go after the first sign-in (a booking in progress), kept across the emailed link. */
  readonly returnUrl = input<string>();

  protected readonly form = this.fb.group({
    ...personControls(this.fb),
    email: this.emailControl,
    password: ['', [Validators.required, newPasswordValidator(() => this.emailControl.value)]],
    acceptTerms: [false, Validators.requiredTrue],
  });

  protected readonly password = toSignal(this.form.controls.password.valueChanges, { initialValue: '' });
  protected readonly email = toSignal(this.form.controls.email.valueChanges, { initialValue: '' });
  protected readonly submission = formSubmission(this.form);
  protected readonly sentTo = signal<string | null>(null);
  protected readonly showPassword = signal(false);
  protected readonly showsError = showsError;
  protected readonly describedBy = describedBy;

  protected submit(): void {
    this.form.controls.password.updateValueAndValidity();
    if (!this.submission.start()) return;
    const value = this.form.getRawValue();
    this.auth
      .register({
        ...toPersonDetails(value),
        email: value.email.trim(),
        password: value.password,
        locale: this.i18n.locale(),
        acceptTerms: value.acceptTerms,
      })
      .subscribe({
        next: () => {
          this.submission.succeeded();
          const returnUrl = this.returnUrl();
          if (returnUrl) rememberReturnUrl(safeReturnUrl(returnUrl));
          this.sentTo.set(value.email.trim().toLowerCase());
          focusAfterRender(this.injector, this.host.nativeElement, '#register-sent');
        },
        error: (error: unknown) => this.submission.failed(error),
      });
  }
}
