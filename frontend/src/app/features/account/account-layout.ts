import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';

import { AuthService } from '../../core/auth/auth.service';
import { TranslatePipe } from '../../core/i18n/i18n';

@Component({
  selector: 'app-account-layout',
  imports: [RouterOutlet, RouterLink, RouterLinkActive, TranslatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="container account-page">
      <aside class="account-nav">
        <p class="account-nav__hello">{{ 'account.hello' | t: { name: auth.user()?.firstName || auth.user()?.email || '' } }}</p>
        <nav [attr.aria-label]="'accountNav.label' | t">
          <ul>
            <li><a routerLink="profile" routerLinkActive="is-active" ariaCurrentWhenActive="page">{{ 'accountNav.profile' | t }}</a></li>
            <li><a routerLink="security" routerLinkActive="is-active" ariaCurrentWhenActive="page">{{ 'accountNav.security' | t }}</a></li>
            <li><a routerLink="privacy" routerLinkActive="is-active" ariaCurrentWhenActive="page">{{ 'accountNav.privacy' | t }}</a></li>
          </ul>
        </nav>
      </aside>
      <div class="account-content">
        <router-outlet />
      </div>
    </div>
  `,
})
export class AccountLayout {
  protected readonly auth = inject(AuthService);
}
