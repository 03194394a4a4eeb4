import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink, RouterLinkActive } from '@angular/router';

import { TranslatePipe } from '../../core/i18n/i18n';

/** The console's two lists. */
@Component({
  selector: 'app-console-nav',
  imports: [RouterLink, RouterLinkActive, TranslatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <nav class="tabs" [attr.aria-label]="'console.nav' | t">
      <a routerLink="/console" [routerLinkActiveOptions]="{ exact: true }" routerLinkActive="is-active" ariaCurrentWhenActive="page" class="tabs__tab">{{ 'console.queue.heading' | t }}</a>
      <a routerLink="/console/contact-requests" routerLinkActive="is-active" ariaCurrentWhenActive="page" class="tabs__tab">{{ 'console.contact.heading' | t }}</a>
    </nav>
  `,
})
export class ConsoleNav {}
