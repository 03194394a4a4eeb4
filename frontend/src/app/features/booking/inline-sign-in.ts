import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { RouterLink } from '@angular/router';

import { TranslatePipe } from '../../core/i18n/i18n';
import { SignInForm } from '../auth/sign-in-form';

/** Sign in without leaving the page (the booking summary): the page goes on once the session starts. */
@Component({
  selector: 'app-inline-sign-in',
  imports: [RouterLink, TranslatePipe, SignInForm],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="card inline-auth" aria-labelledby="inline-auth-title">
      <h2 id="inline-auth-title">{{ 'booking.auth.title' | t }}</h2>
      <p>{{ 'booking.auth.lead' | t }}</p>
      <app-sign-in-form idPrefix="inline-" variant="inline" submitLabel="booking.auth.signIn" formClass="inline-auth__form" />
      <p class="inline-auth__register">
        {{ 'booking.auth.noAccount' | t }}
        <a routerLink="/register" [queryParams]="{ returnUrl: returnUrl() }">{{ 'booking.auth.register' | t }}</a>
      </p>
    </section>
  `,
})
export class InlineSignIn {
  /** This page's URL, to come back to after registering. */
  readonly returnUrl = input.required<string>();
}
