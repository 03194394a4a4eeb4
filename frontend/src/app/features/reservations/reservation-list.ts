import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, RouterLink } from '@angular/router';

import type { Reservation } from '../../core/api/models';
import { ReservationService } from '../../core/api/reservations.service';
import { pagedLoadState } from '../../core/data/load-state';
import { formatLocalClock, formatShortLocalDate } from '../../core/format/local-time';
import { formatMoney } from '../../core/format/money';
import { I18n, TranslatePipe } from '../../core/i18n/i18n';
import { LoadMore } from '../../shared/load-more';
import { LoadStatus } from '../../shared/load-status';
import { classKey } from '../search/acriss';
import { statusKey, statusTone } from './status';

/** "My reservations": upcoming or past (`?scope=past`), newest pages appended with "load more". */
@Component({
  selector: 'app-reservation-list',
  imports: [RouterLink, TranslatePipe, LoadStatus, LoadMore],
  templateUrl: './reservation-list.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ReservationList {
  protected readonly i18n = inject(I18n);
  private readonly api = inject(ReservationService);
  private readonly query = toSignal(inject(ActivatedRoute).queryParams, { requireSync: true });

  protected readonly scope = computed<'upcoming' | 'past'>(() => (this.query()['scope'] === 'past' ? 'past' : 'upcoming'));
  protected readonly list = pagedLoadState({ params: () => this.scope(), loadPage: (scope, cursor) => this.api.list(scope, cursor) });

  protected readonly statusKey = statusKey;
  protected readonly statusTone = statusTone;
  protected readonly classKey = classKey;

  protected when(value: string): string {
    const locale = this.i18n.intlLocale();
    return `${formatShortLocalDate(value, locale)}, ${formatLocalClock(value, locale)}`;
  }

  protected total(r: Reservation): string {
    return formatMoney(r.total, this.i18n.intlLocale());
  }
}
