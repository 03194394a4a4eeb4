import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

import { TranslatePipe } from '../core/i18n/i18n';
import { passwordRules } from './forms';

/** The password rules, ticked as the user types (the input's `aria-describedby` names this element's `id`). */
@Component({
  selector: 'app-password-rules',
  imports: [TranslatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="password-rules">
      <p class="password-rules__title">{{ 'password.rulesTitle' | t }}</p>
      <ul>
        <li [class.met]="rules().length">
          <span class="rule-icon" aria-hidden="true">{{ rules().length ? '✓' : '•' }}</span>
          {{ 'password.ruleLength' | t }}
          <span class="visually-hidden">{{ (rules().length ? 'password.met' : 'password.notMet') | t }}</span>
        </li>
        <li [class.met]="rules().notEmail && password().length > 0">
          <span class="rule-icon" aria-hidden="true">{{ rules().notEmail && password().length > 0 ? '✓' : '•' }}</span>
          {{ 'password.ruleEmail' | t }}
          <span class="visually-hidden">{{ (rules().notEmail && password().length > 0 ? 'password.met' : 'password.notMet') | t }}</span>
        </li>
        <li>
          <span class="rule-icon" aria-hidden="true">•</span>
          {{ 'password.ruleCommon' | t }}
        </li>
      </ul>
    </div>
  `,
})
export class PasswordRulesComponent {
  readonly password = input.required<string>();
  readonly email = input<string>('');
  protected readonly rules = computed(() => passwordRules(this.password(), this.email()));
}
