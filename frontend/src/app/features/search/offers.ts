import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { map } from 'rxjs';

import type { Offer } from '../../core/api/models';
import { ReservationService } from '../../core/api/reservations.service';
import { loadState } from '../../core/data/load-state';
import { formatShortLocalDate, formatLocalClock, offsetLabel } from '../../core/format/local-time';
import { formatMoney, perDay } from '../../core/format/money';
import { I18n, PluralPipe, TranslatePipe } from '../../core/i18n/i18n';
import { LoadStatus } from '../../shared/load-status';
import { CategoryFeaturesList } from './category-features';
import { SearchCriteria, criteriaFromParams, criteriaParams, offerQuery } from './criteria';
import { classKey } from './acriss';
import { SearchForm } from './search-form';

export type OfferSort = 'price' | 'priceDesc' | 'seats';

/**
 * The offers of a search (`/offers?pickupCity=…&pickupAt=…`): the criteria, sort and filters are
 * all in the URL, so the page can be shared, reloaded and navigated back to. Prices are the
 * API's, in the pickup agency's currency; the per-day figure is the total over the started days.
 */
@Component({
  selector: 'app-offers',
  imports: [RouterLink, TranslatePipe, PluralPipe, LoadStatus, SearchForm, CategoryFeaturesList],
  templateUrl: './offers.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Offers {
  protected readonly i18n = inject(I18n);
  private readonly router = inject(Router);
  private readonly api = inject(ReservationService);
  private readonly query = toSignal(inject(ActivatedRoute).queryParams, { requireSync: true });

  protected readonly criteria = computed(() => criteriaFromParams(this.query()));
  protected readonly sort = computed<OfferSort>(() => {
    const sort = this.query()['sort'];
    return sort === 'priceDesc' || sort === 'seats' ? sort : 'price';
  });
  protected readonly automaticOnly = computed(() => this.query()['gearbox'] === 'automatic');

  protected readonly offers = loadState({
    params: () => this.criteria(),
    load: (criteria) => this.api.offers(offerQuery(criteria)).pipe(map((page) => page.items)),
    isEmpty: (items) => items.length === 0,
  });
  /** A 422 of the search goes onto the form's fields. */
  protected readonly problem = computed(() => {
    const state = this.offers.state();
    return state.status === 'error' && state.problem.status === 422 ? state.problem : null;
  });

  protected readonly shown = computed(() => {
    const items = [...(this.offers.value() ?? [])].filter((o) => !this.automaticOnly() || ['A', 'B', 'D'].includes(o.category.code.charAt(2)));
    switch (this.sort()) {
      case 'priceDesc':
        return items.sort((a, b) => b.total.amountMinor - a.total.amountMinor);
      case 'seats':
        return items.sort((a, b) => b.category.seats - a.category.seats || a.total.amountMinor - b.total.amountMinor);
      default:
        return items; // the API's order: by total price
    }
  });

  protected readonly summary = computed(() => {
    const state = this.offers.state();
    if (state.status === 'loading') return this.i18n.t('offers.loading');
    if (state.status === 'empty') return this.i18n.t('offers.none');
    if (state.status !== 'data') return '';
    const count = this.shown().length;
    return this.i18n.plural('offers.count', count);
  });

  /** "Tue 8 Dec, 10:00 → Fri 11 Dec, 10:00 · 3 days", from the first offer's local times. */
  protected readonly period = computed(() => {
    const first = this.offers.value()?.[0];
    if (!first) return null;
    const locale = this.i18n.intlLocale();
    return this.i18n.plural('offers.period', first.days, {
      from: `${formatShortLocalDate(first.pickupAt, locale)}, ${formatLocalClock(first.pickupAt, locale)}`,
      to: `${formatShortLocalDate(first.returnAt, locale)}, ${formatLocalClock(first.returnAt, locale)}`,
    });
  });

  protected readonly classKey = classKey;

  protected price(offer: Offer): string {
    return formatMoney(offer.total, this.i18n.intlLocale());
  }

  protected dayPrice(offer: Offer): string {
    return formatMoney(perDay(offer.total, offer.days), this.i18n.intlLocale());
  }

  protected money(offer: Offer, which: 'oneWayFee' | 'dailyRate'): string {
    return formatMoney(offer[which], this.i18n.intlLocale());
  }

  protected offset(offer: Offer): string {
    return offsetLabel(offer.pickupAt);
  }

  protected bookingParams(offer: Offer): Record<string, string | null> {
    const criteria = this.criteria();
    return criteriaParams({
      pickup: { kind: 'agency', agencyId: offer.pickupAgency.id },
      return: offer.returnAgency.id === offer.pickupAgency.id ? null : { kind: 'agency', agencyId: offer.returnAgency.id },
      pickupAt: criteria?.pickupAt ?? '',
      returnAt: criteria?.returnAt ?? '',
      category: offer.category.code,
    });
  }

  protected search(criteria: SearchCriteria): void {
    void this.router.navigate(['/offers'], { queryParams: { ...criteriaParams(criteria), sort: this.query()['sort'] ?? null, gearbox: this.query()['gearbox'] ?? null } });
  }

  protected setSort(sort: string): void {
    void this.router.navigate([], { queryParams: { sort: sort === 'price' ? null : sort }, queryParamsHandling: 'merge', replaceUrl: true });
  }

  protected setAutomaticOnly(on: boolean): void {
    void this.router.navigate([], { queryParams: { gearbox: on ? 'automatic' : null }, queryParamsHandling: 'merge', replaceUrl: true });
  }
}
