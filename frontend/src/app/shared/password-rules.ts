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
      <p class="password-rules__title">{{ 'passwordRules.title' | t }}</p>
      <ul>
        <li [class.met]="rules().length">
          <span class="rule-icon" aria-hidden="true">{{ rules().length ? '✓' : '•' }}</span>
          {{ 'passwordRules.length' | t }}
          <span class="visually-hidden">{{ (rules().length ? 'passwordRules.met' : 'passwordRules.notMet') | t }}</span>
        </li>
        @if (email() === null) {
          <!-- The address is not known here (a reset or invitation link): the API checks this rule. -->
          <li>
            <span class="rule-icon" aria-hidden="true">•</span>
            {{ 'passwordRules.email' | t }}
          </li>
        } @else {
          <li [class.met]="emailRuleMet()">
            <span class="rule-icon" aria-hidden="true">{{ emailRuleMet() ? '✓' : '•' }}</span>
            {{ 'passwordRules.email' | t }}
            <span class="visually-hidden">{{ (emailRuleMet() ? 'passwordRules.met' : 'passwordRules.notMet') | t }}</span>
          </li>
        }
        <li>
          <span class="rule-icon" aria-hidden="true">•</span>
          {{ 'passwordRules.common' | t }}
        </li>
      </ul>
    </div>
  `,
})
export class PasswordRulesComponent {
  readonly password = input.required<string>();
  /** The account's address; `null` when the page does not know it (then that rule is never ticked). */
  readonly email = input<string | null>(null);
  protected readonly rules = computed(() => passwordRules(this.password(), this.email() ?? ''));
  /** Ticked only once the address is known and the password does not contain it. */
  protected readonly emailRuleMet = computed(() => this.rules().notEmail && this.password().length > 0 && !!this.email()?.includes('@'));
}
