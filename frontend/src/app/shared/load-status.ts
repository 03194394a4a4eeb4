import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';

import type { LoadState } from '../core/data/load-state';
import { TranslatePipe } from '../core/i18n/i18n';

/**
 * The loading and error parts of a {@link LoadState}: a spinner while loading (unless the page
 * draws its own skeleton), the problem's message with "Try again" on error. The page renders
 * its empty and data states itself.
 */
@Component({
  selector: 'app-load-status',
  imports: [TranslatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @switch (state().status) {
      @case ('loading') {
        @if (!skeleton()) {
          <p class="muted load-status" role="status"><span class="spinner" aria-hidden="true"></span>{{ 'actions.loading' | t }}</p>
        }
      }
      @case ('error') {
        @if (state(); as s) {
          @if (s.status === 'error') {
            <div class="alert alert--error load-status" role="alert">
              <p>{{ s.message.key | t: s.message.params }}</p>
              <button type="button" class="btn btn--secondary btn--small" (click)="retry.emit()">{{ 'actions.retry' | t }}</button>
            </div>
          }
        }
      }
    }
  `,
})
export class LoadStatus {
  readonly state = input.required<LoadState<unknown>>();
  /** The page shows a skeleton while loading: no spinner here. */
  readonly skeleton = input(false);
  readonly retry = output<void>();
}
