import { ChangeDetectionStrategy, Component, Injector, ElementRef, OnInit, computed, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';

import type { Locale, User } from '../../core/api/models';
import { toProblem } from '../../core/api/problem';
import { AuthService } from '../../core/auth/auth.service';
import { formatDate } from '../../core/format/opening-hours';
import { I18n, TranslatePipe } from '../../core/i18n/i18n';
import { AddressFields, addressGroup, toAddress } from '../../shared/address-fields';
import { FieldError } from '../../shared/field-error';
import { adultValidator, applyFieldErrors, focusAfterRender, describedBy, focusFirstInvalid, showsError } from '../../shared/forms';
import { FormAlert } from '../../shared/form-alert';
import { FormMessage, Message, message, formProblemMessage } from '../../shared/problem-message';
import { AccountService } from './account.service';

@Component({
  selector: 'app-profile',
  imports: [ReactiveFormsModule, TranslatePipe, FieldError, FormAlert, AddressFields],
  templateUrl: './profile.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Profile implements OnInit {
  protected readonly i18n = inject(I18n);
  private readonly auth = inject(AuthService);
  private readonly account = inject(AccountService);
  private readonly fb = inject(NonNullableFormBuilder);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);

  protected readonly user = this.auth.user;
  protected readonly editing = signal(false);
  protected readonly saving = signal(false);
  protected readonly formError = signal<FormMessage | null>(null);
  protected readonly status = signal<Message | null>(null);
  protected readonly showsError = showsError;
  protected readonly describedBy = describedBy;

  protected readonly form = this.fb.group({
    firstName: ['', [Validators.required, Validators.maxLength(100)]],
    lastName: ['', [Validators.required, Validators.maxLength(100)]],
    birthDate: ['', [Validators.required, adultValidator()]],
    phone: [''],
    address: addressGroup(this.fb),
    locale: this.fb.control<Locale>('en'),
  });

  protected readonly birthDate = computed(() => {
    const date = this.user()?.birthDate;
    return date ? formatDate(date, this.i18n.intlLocale()) : null;
  });

  ngOnInit(): void {
    this.account.me().subscribe({ error: () => undefined });
  }

  protected edit(): void {
    const user = this.user();
    if (!user) return;
    this.fill(user);
    this.status.set(null);
    this.formError.set(null);
    this.editing.set(true);
    focusAfterRender(this.injector, this.host.nativeElement, '#firstName');
  }

  protected cancel(): void {
    this.editing.set(false);
    focusAfterRender(this.injector, this.host.nativeElement, '#edit-profile');
  }

  protected save(): void {
    this.formError.set(null);
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      this.formError.set(message('errors.checkFields'));
      focusFirstInvalid(this.injector, this.host.nativeElement);
      return;
    }
    const value = this.form.getRawValue();
    this.saving.set(true);
    this.account
      .update({
        firstName: value.firstName.trim(),
        lastName: value.lastName.trim(),
        birthDate: value.birthDate,
        phone: value.phone.trim() || null,
        address: toAddress(value.address),
        locale: value.locale,
      })
      .subscribe({
        next: () => {
          this.saving.set(false);
          this.editing.set(false);
          this.status.set(message('account.profile.saved'));
          focusAfterRender(this.injector, this.host.nativeElement, '#edit-profile');
        },
        error: (error: unknown) => {
          this.saving.set(false);
          const problem = toProblem(error);
          this.formError.set(formProblemMessage(problem, applyFieldErrors(this.form, problem.errors)));
          focusFirstInvalid(this.injector, this.host.nativeElement);
        },
      });
  }

  private fill(user: User): void {
    this.form.reset({
      firstName: user.firstName ?? '',
      lastName: user.lastName ?? '',
      birthDate: user.birthDate ?? '',
      phone: user.phone ?? '',
      address: {
        line1: user.address?.line1 ?? '',
        line2: user.address?.line2 ?? '',
        postalCode: user.address?.postalCode ?? '',
        city: user.address?.city ?? '',
        countryCode: user.address?.countryCode ?? '',
      },
      locale: user.locale,
    });
  }
}
