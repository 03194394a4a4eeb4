import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';

import type { Agency, Money } from '../../core/api/models';
import { formatLocalDateTime } from '../../core/format/local-time';
import { formatMoney } from '../../core/format/money';
import { I18n, PluralPipe, TranslatePipe } from '../../core/i18n/i18n';

/** What an offer and a reservation both say about the trip and its price. */
export interface PricedTrip {
  pickupAgency: Agency;
  returnAgency: Agency;
  pickupAt: string;
  returnAt: string;
  days: number;
  dailyRate: Money;
  oneWayFee: Money;
  total: Money;
}

/** Pick-up and return: agency, its street, the local date and time (from the offset the API sends). */
@Component({
  selector: 'app-trip-details',
  imports: [TranslatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let t = trip();
    <dl class="details trip">
      <div>
        <dt>{{ 'booking.pickup' | t }}</dt>
        <dd><strong>{{ t.pickupAgency.name }}</strong><br />{{ street(t.pickupAgency) }}<br /><span data-testid="pickup-at">{{ when(t.pickupAt) }}</span></dd>
      </div>
      <div>
        <dt>{{ 'booking.return' | t }}</dt>
        <dd><strong>{{ t.returnAgency.name }}</strong><br />{{ street(t.returnAgency) }}<br /><span data-testid="return-at">{{ when(t.returnAt) }}</span></dd>
      </div>
    </dl>
  `,
})
export class TripDetails {
  private readonly i18n = inject(I18n);
  readonly trip = input.required<PricedTrip>();

  protected street(agency: Agency): string {
    return `${agency.address.line1}, ${agency.address.postalCode} ${agency.address.city}`;
  }
  protected when(value: string): string {
    return formatLocalDateTime(value, this.i18n.intlLocale());
  }
}

/**
 * The price card of the booking summary and of a reservation: days × daily rate, the one-way fee
 * when there is one, the total, what was paid (a reservation's), then the page's own notes
 * (projected) and the cancellation and change policy.
 */
@Component({
  selector: 'app-price-summary',
  imports: [PluralPipe, TranslatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let p = price();
    <section class="card price-summary" [attr.aria-labelledby]="titleId()">
      <h2 [id]="titleId()">{{ 'booking.price' | t }}</h2>
      <dl class="price-summary__lines">
        <div><dt>{{ 'booking.rental' | plural: p.days : { rate: money(p.dailyRate) } }}</dt><dd>{{ money(rental()) }}</dd></div>
        @if (p.oneWayFee.amountMinor > 0) {
          <div><dt>{{ 'booking.oneWay' | t }}</dt><dd>{{ money(p.oneWayFee) }}</dd></div>
        }
        <div class="price-summary__total"><dt>{{ 'booking.total' | t }}</dt><dd>{{ money(p.total) }}</dd></div>
        @if (paid(); as paid) {
          <div><dt>{{ 'reservations.paidSoFar' | t }}</dt><dd>{{ money(paid) }}</dd></div>
        }
      </dl>
      <ng-content />
      <ul class="policy">
        <li>{{ 'booking.policy.cancel' | t }}</li>
        <li>{{ 'booking.policy.modify' | t }}</li>
      </ul>
    </section>
  `,
})
export class PriceSummary {
  private readonly i18n = inject(I18n);
  readonly price = input.required<PricedTrip>();
  /** What a reservation has been paid so far (none on the booking summary). */
  readonly paid = input<Money | null>(null);
  readonly titleId = input('price-title');
  protected readonly rental = computed<Money>(() => {
    const { dailyRate, days } = this.price();
    return { amountMinor: dailyRate.amountMinor * days, currency: dailyRate.currency };
  });

  protected money(value: Money): string {
    return formatMoney(value, this.i18n.intlLocale());
  }
}
