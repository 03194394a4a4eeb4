import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { Router, RouterLink } from '@angular/router';

import type { User } from '../../core/api/models';
import { landingFor, safeReturnUrl } from '../../core/auth/guards';
import { takeReturnUrl } from '../../core/auth/return-url';
import { TranslatePipe } from '../../core/i18n/i18n';
import { SignInForm } from './sign-in-form';

/** The sign-in page: the form, then the `returnUrl`, else the page of the user's role. */
@Component({
  selector: 'app-sign-in',
  imports: [RouterLink, TranslatePipe, SignInForm],
  templateUrl: './sign-in.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SignIn {
  private readonly router = inject(Router);

  /** Where to go after signing in (query parameter). */
  readonly returnUrl = input<string>();

  protected signedIn(user: User): void {
    // A booking left to register is the customers' (staff land on their desk).
    const remembered = user.role === 'client' ? takeReturnUrl() : null;
    void this.router.navigateByUrl(safeReturnUrl(this.returnUrl() ?? remembered, landingFor(user.role)));
  }
}
