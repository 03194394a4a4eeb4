import { ChangeDetectionStrategy, Component, afterRenderEffect, computed, inject, linkedSignal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { map } from 'rxjs';

import type { Offer } from '../../core/api/models';
import { ReservationService } from '../../core/api/reservations.service';
import { loadState } from '../../core/data/load-state';
import { formatShortLocalDate, formatLocalClock } from '../../core/format/local-time';
import { formatMoney, perDay } from '../../core/format/money';
import { I18n, PluralPipe, TranslatePipe, TranslationKey } from '../../core/i18n/i18n';
import { LoadStatus } from '../../shared/load-status';
import { CategoryFeaturesList } from './category-features';
import { SearchCriteria, criteriaFromParams, criteriaParams, offerQuery } from './criteria';
import { classKey } from './acriss';
import { SearchForm } from './search-form';

export type OfferSort = 'price' | 'priceDesc' | 'seats';

/**
 * Cards rendered with the first paint of a list (a screenful), then this many more per task: a
 * long list renders in short tasks, so the page answers input meanwhile (no long task).
 */
export const FIRST_CARDS = 3;
export const MORE_CARDS = 2;

/** An offer and what its card shows of it. */
export interface OfferCard {
  readonly offer: Offer;
  /** Unique in a list: the category at a pick-up and a return agency. */
  readonly id: string;
  readonly classKey: TranslationKey;
  /** Returned to another agency (the one-way fee is included in the total). */
  readonly oneWay: boolean;
  readonly total: string;
  readonly dayPrice: string;
  readonly oneWayFee: string;
  /** The booking summary's query parameters ("Choose"). */
  readonly bookingParams: Record<string, string | null>;
}

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

  /**
   * The cards, their figures formatted once per list and language rather than at every check of
   * the page (the "Choose" link's query parameters too: a new object at each check would make
   * its RouterLink build its URL again).
   */
  protected readonly cards = computed<readonly OfferCard[]>(() => {
    const locale = this.i18n.intlLocale();
    const criteria = this.criteria();
    return this.shown().map((offer) => {
      const oneWay = offer.returnAgency.id !== offer.pickupAgency.id;
      return {
        offer,
        id: `${offer.category.code}|${offer.pickupAgency.id}|${offer.returnAgency.id}`,
        classKey: classKey(offer.category.code),
        oneWay,
        total: formatMoney(offer.total, locale),
        dayPrice: formatMoney(perDay(offer.total, offer.days), locale),
        oneWayFee: formatMoney(offer.oneWayFee, locale),
        bookingParams: criteriaParams({
          pickup: { kind: 'agency', agencyId: offer.pickupAgency.id },
          return: oneWay ? { kind: 'agency', agencyId: offer.returnAgency.id } : null,
          pickupAt: criteria?.pickupAt ?? '',
          returnAt: criteria?.returnAt ?? '',
          category: offer.category.code,
        }),
      };
    });
  });

  /** How many cards are rendered: grows to all of them, a batch per task; a new list keeps what was rendered. */
  private readonly renderedCount = linkedSignal<readonly OfferCard[], number>({
    source: this.cards,
    computation: (cards, previous) => Math.min(cards.length, Math.max(previous?.value ?? 0, FIRST_CARDS)),
  });
  protected readonly renderedCards = computed(() => this.cards().slice(0, this.renderedCount()));

  constructor() {
    // After each render, the next batch in a task of its own (setTimeout yields to the browser: paint, input).
    afterRenderEffect((onCleanup) => {
      const rendered = this.renderedCount();
      const total = this.cards().length;
      if (rendered >= total) return;
      const timer = setTimeout(() => this.renderedCount.set(Math.min(total, rendered + MORE_CARDS)));
      onCleanup(() => clearTimeout(timer));
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
