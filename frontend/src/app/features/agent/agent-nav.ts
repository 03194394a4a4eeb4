import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink, RouterLinkActive } from '@angular/router';

import { TranslatePipe } from '../../core/i18n/i18n';

/** The agents' desk's three pages: the day list, the fleet, the rates. */
@Component({
  selector: 'app-agent-nav',
  imports: [RouterLink, RouterLinkActive, TranslatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <nav class="tabs" [attr.aria-label]="'agent.nav.label' | t">
      <a routerLink="/agent" [routerLinkActiveOptions]="{ exact: true }" routerLinkActive="is-active" ariaCurrentWhenActive="page" class="tabs__tab">{{ 'agent.nav.day' | t }}</a>
      <a routerLink="/agent/fleet" routerLinkActive="is-active" ariaCurrentWhenActive="page" class="tabs__tab">{{ 'agent.nav.fleet' | t }}</a>
      <a routerLink="/agent/rates" routerLinkActive="is-active" ariaCurrentWhenActive="page" class="tabs__tab">{{ 'agent.nav.rates' | t }}</a>
    </nav>
  `,
})
export class AgentNav {}
