import { ChangeDetectionStrategy, Component, DOCUMENT, Injector, afterNextRender, afterRenderEffect, computed, inject, linkedSignal, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { map } from 'rxjs';

import type { Offer } from '../../core/api/models';
import { ReservationService } from '../../core/api/reservations.service';
import { loadState } from '../../core/data/load-state';
import { SMALL_SCREEN, mediaMatches } from '../../core/layout/media';
import { formatShortLocalDate, formatLocalClock, wallClockDays } from '../../core/format/local-time';
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
 * On a phone the search folds into a one-line summary with "Modify search", so the results are
 * on the first screen (the form, a screen tall there, opens on demand, and when a search needs
 * fixing).
 */
@Component({
  selector: 'app-offers',
  imports: [RouterLink, TranslatePipe, PluralPipe, LoadStatus, SearchForm, CategoryFeaturesList],
  templateUrl: './offers.html',
  styles: `
    .search-summary { display: flex; align-items: center; justify-content: space-between; gap: 0.75rem; padding: 0.75rem 0; }
    .search-summary__text { margin: 0; display: flex; flex-direction: column; min-width: 0; line-height: 1.35; }
    .search-summary__text span { color: var(--ink-muted); font-size: 0.9rem; }
    .search-summary .btn { flex-shrink: 0; }
  `,
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

  private readonly smallScreen = mediaMatches(SMALL_SCREEN);
  private readonly document = inject(DOCUMENT);
  private readonly injector = inject(Injector);
  /** The visitor opened the folded search ("Modify search"). */
  protected readonly editing = signal(false);

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

  /** The whole form, or (on a phone, with a valid search) its summary. */
  protected readonly formShown = computed(() => !this.smallScreen() || this.editing() || !this.criteria() || this.problem() !== null);

  /** The folded search's place: "Paris", "Paris → Lyon" (agencies by the offers' names, once known). */
  protected readonly searchedPlace = computed(() => {
    const criteria = this.criteria();
    if (!criteria) return null;
    const first = this.offers.value()?.[0];
    const name = (place: SearchCriteria['pickup'], agency: string | undefined) => (place.kind === 'city' ? place.city : agency);
    const from = name(criteria.pickup, first?.pickupAgency.name);
    const to = criteria.return ? name(criteria.return, first?.returnAgency.name) : null;
    return from ? (to ? `${from} → ${to}` : from) : null;
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

  /**
   * "Tue 8 Dec, 10:00 → Fri 11 Dec, 10:00 · 3 days": the searched local times, shown at once (the
   * page's largest text on a phone: it must not wait for the API), the days counted on the wall
   * clock until the offers bring the API's count (which differs only across zones or a clock change).
   */
  protected readonly period = computed(() => {
    const criteria = this.criteria();
    if (!criteria) return null;
    const locale = this.i18n.intlLocale();
    const moment = (text: string) => `${formatShortLocalDate(text, locale)}, ${formatLocalClock(text, locale)}`;
    const days = this.offers.value()?.[0]?.days ?? wallClockDays(criteria.pickupAt, criteria.returnAt);
    return this.i18n.plural('offers.period', days, { from: moment(criteria.pickupAt), to: moment(criteria.returnAt) });
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

  /** Opens the folded search, its first field focused. */
  protected editSearch(): void {
    this.editing.set(true);
    afterNextRender(() => this.document.getElementById('search-pickup')?.focus(), { injector: this.injector });
  }

  protected search(criteria: SearchCriteria): void {
    this.editing.set(false);
    void this.router.navigate(['/offers'], { queryParams: { ...criteriaParams(criteria), sort: this.query()['sort'] ?? null, gearbox: this.query()['gearbox'] ?? null } });
  }

  protected setSort(sort: string): void {
    void this.router.navigate([], { queryParams: { sort: sort === 'price' ? null : sort }, queryParamsHandling: 'merge', replaceUrl: true });
  }

  protected setAutomaticOnly(on: boolean): void {
    void this.router.navigate([], { queryParams: { gearbox: on ? 'automatic' : null }, queryParamsHandling: 'merge', replaceUrl: true });
  }
}
