import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';

import type { FieldProblem } from '../core/api/problem';
import { I18n, TranslatePipe } from '../core/i18n/i18n';
import { unmatchedFieldMessage } from './field-error';
import type { FormMessage } from './problem-message';

/**
 * A form's error alert (an assertive live region, empty when there is nothing to say): the
 * message, then the API's field errors that no control of the form shows, one per line.
 */
@Component({
  selector: 'app-form-alert',
  imports: [TranslatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'form-alert', 'aria-live': 'assertive', 'aria-atomic': 'true' },
  template: `
    @if (message(); as m) {
      <div class="alert alert--error" [attr.id]="alertId()">
        <p>{{ m.key | t: m.params }}</p>
        @if (m.unmatched?.length) {
          <ul class="alert__list">
            @for (error of m.unmatched; track $index) {
              <li>{{ describe(error) }}</li>
            }
          </ul>
        }
      </div>
    }
  `,
})
export class FormAlert {
  private readonly i18n = inject(I18n);
  readonly message = input<FormMessage | null>(null);
  /** The `id` of the alert box, for `aria-describedby`. */
  readonly alertId = input<string | null>(null);

  protected describe(error: FieldProblem): string {
    return unmatchedFieldMessage(this.i18n, error);
  }
}
