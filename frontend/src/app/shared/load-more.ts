import { ChangeDetectionStrategy, Component, input } from '@angular/core';

import type { PagedLoaded } from '../core/data/load-state';
import { TranslatePipe, type TranslationKey } from '../core/i18n/i18n';

/**
 * The end of a paged list (`pagedLoadState`): why the last "load more" failed, and the button
 * that asks for the next page while there is one ("Try again" after a failure).
 */
@Component({
  selector: 'app-load-more',
  imports: [TranslatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (list().value(); as page) {
      @if (page.moreError; as m) {
        <div class="alert alert--error" role="alert"><p>{{ m.key | t: m.params }}</p></div>
      }
      @if (page.nextCursor) {
        <div class="load-more">
          <button type="button" class="btn btn--secondary" (click)="list().more()" [disabled]="page.loadingMore" [attr.aria-busy]="page.loadingMore">
            {{ (page.moreError ? 'actions.retry' : label()) | t }}
          </button>
        </div>
      }
    }
  `,
})
export class LoadMore {
  readonly list = input.required<PagedLoaded<unknown>>();
  /** The button's text, e.g. "Show more agencies". */
  readonly label = input.required<TranslationKey>();
}
