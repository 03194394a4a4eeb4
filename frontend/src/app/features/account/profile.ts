import { ChangeDetectionStrategy, Component, Injector, ElementRef, OnInit, computed, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';

import type { Locale, User } from '../../core/api/models';
import { AuthService } from '../../core/auth/auth.service';
import { formatDate } from '../../core/format/opening-hours';
import { I18n, TranslatePipe } from '../../core/i18n/i18n';
import { focusAfterRender } from '../../shared/forms';
import { formSubmission } from '../../shared/form-submission';
import { FormAlert } from '../../shared/form-alert';
import { PersonFields, personControls, personValue, toPersonDetails } from '../../shared/person-fields';
import { Message, message } from '../../shared/problem-message';
import { AccountService } from './account.service';

@Component({
  selector: 'app-profile',
  imports: [ReactiveFormsModule, TranslatePipe, FormAlert, PersonFields],
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
  protected readonly status = signal<Message | null>(null);

  protected readonly form = this.fb.group({
    ...personControls(this.fb),
    locale: this.fb.control<Locale>('en'),
  });
  protected readonly submission = formSubmission(this.form);

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
    this.submission.clear();
    this.editing.set(true);
    focusAfterRender(this.injector, this.host.nativeElement, '#firstName');
  }

  protected cancel(): void {
    this.editing.set(false);
    focusAfterRender(this.injector, this.host.nativeElement, '#edit-profile');
  }

  protected save(): void {
    if (!this.submission.start()) return;
    const value = this.form.getRawValue();
    this.account
      .update({ ...toPersonDetails(value), locale: value.locale })
      .subscribe({
        next: () => {
          this.submission.succeeded();
          this.editing.set(false);
          this.status.set(message('account.profile.saved'));
          focusAfterRender(this.injector, this.host.nativeElement, '#edit-profile');
        },
        error: (error: unknown) => this.submission.failed(error),
      });
  }

  private fill(user: User): void {
    this.form.reset({ ...personValue(user), locale: user.locale });
  }
}
