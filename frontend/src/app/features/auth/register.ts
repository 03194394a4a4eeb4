import { ChangeDetectionStrategy, Component, Injector, ElementRef, computed, inject, input, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { RouterLink } from '@angular/router';

import { toProblem } from '../../core/api/problem';
import { AuthService } from '../../core/auth/auth.service';
import { safeReturnUrl } from '../../core/auth/guards';
import { rememberReturnUrl } from '../../core/auth/return-url';
import { I18n, TranslatePipe } from '../../core/i18n/i18n';
import { FieldError } from '../../shared/field-error';
import { adultValidator, applyFieldErrors, focusAfterRender, describedBy, focusFirstInvalid, newPasswordValidator, showsError } from '../../shared/forms';
import { PasswordRulesComponent } from '../../shared/password-rules';
import { FormAlert } from '../../shared/form-alert';
import { FormMessage, message, formProblemMessage } from '../../shared/problem-message';
import { AddressFields, addressGroup, toAddress } from '../../shared/address-fields';

@Component({
  selector: 'app-register',
  imports: [ReactiveFormsModule, RouterLink, TranslatePipe, FieldError, FormAlert, PasswordRulesComponent, AddressFields],
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
    firstName: ['', [Validators.required, Validators.maxLength(100)]],
    lastName: ['', [Validators.required, Validators.maxLength(100)]],
    birthDate: ['', [Validators.required, adultValidator()]],
    phone: [''],
    address: addressGroup(this.fb),
    email: this.emailControl,
    password: ['', [Validators.required, newPasswordValidator(() => this.emailControl.value)]],
    acceptTerms: [false, Validators.requiredTrue],
  });

  protected readonly password = toSignal(this.form.controls.password.valueChanges, { initialValue: '' });
  protected readonly email = toSignal(this.form.controls.email.valueChanges, { initialValue: '' });
  protected readonly submitting = signal(false);
  protected readonly formError = signal<FormMessage | null>(null);
  protected readonly sentTo = signal<string | null>(null);
  protected readonly showPassword = signal(false);
  protected readonly maxBirthDate = computed(() => {
    const today = new Date();
    return `${today.getFullYear() - 18}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
  });
  protected readonly showsError = showsError;
  protected readonly describedBy = describedBy;

  protected submit(): void {
    this.formError.set(null);
    this.form.controls.password.updateValueAndValidity();
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      this.formError.set(message('errors.checkFields'));
      focusFirstInvalid(this.injector, this.host.nativeElement);
      return;
    }
    const value = this.form.getRawValue();
    this.submitting.set(true);
    this.auth
      .register({
        email: value.email.trim(),
        password: value.password,
        firstName: value.firstName.trim(),
        lastName: value.lastName.trim(),
        birthDate: value.birthDate,
        phone: value.phone.trim() || null,
        address: toAddress(value.address),
        locale: this.i18n.locale(),
        acceptTerms: value.acceptTerms,
      })
      .subscribe({
        next: () => {
          this.submitting.set(false);
          const returnUrl = this.returnUrl();
          if (returnUrl) rememberReturnUrl(safeReturnUrl(returnUrl));
          this.sentTo.set(value.email.trim().toLowerCase());
          focusAfterRender(this.injector, this.host.nativeElement, '#register-sent');
        },
        error: (error: unknown) => {
          this.submitting.set(false);
          const problem = toProblem(error);
          this.formError.set(formProblemMessage(problem, applyFieldErrors(this.form, problem.errors)));
          focusFirstInvalid(this.injector, this.host.nativeElement);
        },
      });
  }
}
