import { ChangeDetectionStrategy, Component, DOCUMENT, ElementRef, Injector, computed, effect, inject, input, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { ActivatedRoute, RouterLink, TitleStrategy } from '@angular/router';
import { Observable, interval, map, startWith, switchMap, takeWhile } from 'rxjs';

import type { CancellationQuote, Cancellation, Money, Offer, Reservation } from '../../core/api/models';
import { ApiProblem, toProblem } from '../../core/api/problem';
import { ReservationService } from '../../core/api/reservations.service';
import { TranslatedTitleStrategy } from '../../core/a11y/title-strategy';
import { loadState } from '../../core/data/load-state';
import { formatLocalDateTime, instantOf, localInputValue } from '../../core/format/local-time';
import { formatMoney, subtractMoney } from '../../core/format/money';
import { formatClock, formatDate } from '../../core/format/opening-hours';
import { I18n, TranslatePipe, type TranslationKey } from '../../core/i18n/i18n';
import { Notices } from '../../core/notices';
import { DateField } from '../../shared/date-field';
import { FieldError } from '../../shared/field-error';
import { FormAlert } from '../../shared/form-alert';
import { applyFieldErrors, describedBy, focusAfterRender, showsError } from '../../shared/forms';
import { LoadStatus } from '../../shared/load-status';
import { FormMessage, formProblemMessage, message } from '../../shared/problem-message';
import { classKey } from '../search/acriss';
import { PriceSummary, TripDetails } from '../rental/rental-summary';
import { CategoryFeaturesList } from '../search/category-features';
import { addDays, joinLocal, splitLocal, todayHere } from '../search/criteria';
import { statusKey, statusTone } from './status';

/** How often and how long the page asks for the webhook-confirmed status after a payment. */
export const POLL_EVERY_MS = 1500;
export const POLL_FOR_MS = 120_000;

const TIMES = Array.from({ length: 48 }, (_, i) => `${String(Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`);
const FIELD_ALIASES: Readonly<Record<string, string>> = { pickupAt: 'pickupDate', returnAt: 'returnDate' };

/** Whether a reservation has nothing left waiting for a payment's webhook. */
export function paymentSettled(r: Reservation): boolean {
  return r.status !== 'pending_payment' && !r.pendingChange;
}

/**
 * One reservation: its state, the payment of a held booking (countdown to `holdExpiresAt`, then
 * Stripe Checkout), the return from Checkout (`?checkout=success`: the page polls until the
 * webhook-confirmed status, it never takes the redirect as proof), modification with the new
 * price and the difference shown before confirming, cancellation with the refund quote first.
 */
@Component({
  selector: 'app-reservation-detail',
  imports: [RouterLink, ReactiveFormsModule, TranslatePipe, LoadStatus, FormAlert, FieldError, DateField, CategoryFeaturesList, PriceSummary, TripDetails],
  templateUrl: './reservation-detail.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ReservationDetail {
  protected readonly i18n = inject(I18n);
  private readonly api = inject(ReservationService);
  private readonly notices = inject(Notices);
  private readonly document = inject(DOCUMENT);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);
  private readonly titles = inject(TitleStrategy) as TranslatedTitleStrategy;
  private readonly fb = inject(NonNullableFormBuilder);
  private readonly query = toSignal(inject(ActivatedRoute).queryParams, { requireSync: true });

  /** Route parameter. */
  readonly id = input.required<string>();

  /** `success` or `cancelled` on the way back from Checkout. */
  protected readonly checkout = computed(() => {
    const value = this.query()['checkout'];
    return value === 'success' || value === 'cancelled' ? value : null;
  });

  protected readonly loaded = loadState({
    params: () => ({ id: this.id(), polling: this.checkout() === 'success' }),
    load: ({ id, polling }) => (polling ? this.poll(id) : this.api.get(id)),
  });
  /** The reservation as the last answer (a load, a poll, a change, a cancellation) gave it. */
  private readonly latest = signal<Reservation | null>(null);
  protected readonly reservation = computed(() => {
    const latest = this.latest();
    const loaded = this.loaded.value();
    if (latest && latest.id === this.id() && (!loaded || latest.updatedAt >= loaded.updatedAt)) return latest;
    return loaded;
  });
  protected readonly missing = computed(() => {
    const state = this.loaded.state();
    return state.status === 'error' && [400, 404, 422].includes(state.problem.status);
  });

  /** After a payment: still waiting for the webhook, confirmed, or given up waiting. */
  private readonly pollStarted = Date.now();
  protected readonly paymentState = computed<'waiting' | 'confirmed' | 'slow' | null>(() => {
    const r = this.reservation();
    if (this.checkout() !== 'success' || !r) return null;
    if (paymentSettled(r)) return r.status === 'confirmed' ? 'confirmed' : null;
    return this.now() - this.pollStarted > POLL_FOR_MS ? 'slow' : 'waiting';
  });

  protected readonly now = toSignal(interval(1000).pipe(map(() => Date.now()), startWith(Date.now())), { initialValue: Date.now() });
  /** `mm:ss` left on the hold, `null` when there is none or it is over. */
  protected readonly holdLeft = computed(() => {
    const hold = this.reservation()?.holdExpiresAt;
    if (!hold) return null;
    const left = Math.floor((instantOf(hold) - this.now()) / 1000);
    if (left <= 0) return null;
    return `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
  });

  // ---------------------------------------------------------------- payment

  protected readonly paying = signal(false);
  protected readonly payError = signal<FormMessage | null>(null);

  protected pay(): void {
    const r = this.reservation();
    if (!r) return;
    this.paying.set(true);
    this.payError.set(null);
    this.api.checkout(r.id).subscribe({
      next: (session) => this.document.defaultView?.location.assign(session.url),
      error: (error: unknown) => {
        this.paying.set(false);
        this.payError.set(formProblemMessage(toProblem(error)));
      },
    });
  }

  // ---------------------------------------------------------------- modification

  /** The time pickers' options, labelled in the app's language (computed once per language). */
  protected readonly times = computed(() => {
    const locale = this.i18n.intlLocale();
    return TIMES.map((value) => ({ value, label: formatClock(value, locale) }));
  });
  protected readonly today = todayHere();
  protected readonly modifying = signal(false);
  protected readonly modifyForm = this.fb.group({
    pickupDate: ['', Validators.required],
    pickupTime: '10:00',
    returnDate: ['', Validators.required],
    returnTime: '10:00',
  });
  /** The new slot's offer, priced by the API before anything changes. */
  protected readonly quote = signal<{ offer: Offer; difference: Money } | 'none' | null>(null);
  protected readonly quoting = signal(false);
  protected readonly saving = signal(false);
  protected readonly modifyError = signal<FormMessage | null>(null);
  protected readonly showsError = showsError;
  protected readonly describedBy = describedBy;

  /** Why the change button is disabled, when it is. */
  protected readonly modifyBlocked = computed(() => {
    const r = this.reservation();
    if (!r || r.canModify) return null;
    if (r.status === 'confirmed') return message('reservations.modify.windowClosed', { until: this.when(cutoff(r.pickupAt, 48)) });
    if (r.status === 'pending_payment') return message('reservations.modify.payFirst');
    return message('reservations.modify.notNow');
  });

  protected startModify(): void {
    const r = this.reservation();
    if (!r) return;
    const pickup = splitLocal(localInputValue(r.pickupAt));
    const back = splitLocal(localInputValue(r.returnAt));
    this.modifyForm.setValue({
      pickupDate: pickup.date,
      pickupTime: TIMES.includes(pickup.time) ? pickup.time : '10:00',
      returnDate: back.date,
      returnTime: TIMES.includes(back.time) ? back.time : '10:00',
    });
    this.quote.set(null);
    this.modifyError.set(null);
    this.modifying.set(true);
    focusAfterRender(this.injector, this.host.nativeElement, '#modify-title');
  }

  protected stopModify(): void {
    this.modifying.set(false);
    this.quote.set(null);
    this.modifyError.set(null);
  }

  /** Prices the new dates through `GET /offers` (same agencies and category) and shows the difference. */
  protected checkPrice(): void {
    const r = this.reservation();
    if (!r) return;
    this.modifyError.set(null);
    this.quote.set(null);
    if (this.modifyForm.invalid) {
      this.modifyForm.markAllAsTouched();
      this.modifyError.set(message('errors.checkFields'));
      return;
    }
    const { pickupAt, returnAt } = this.newTimes();
    this.quoting.set(true);
    this.api
      .offers({ pickupAgencyId: r.pickupAgency.id, returnAgencyId: r.returnAgency.id, pickupAt, returnAt, category: r.category.code })
      .subscribe({
        next: (page) => {
          this.quoting.set(false);
          const offer = page.items.find((o) => o.category.code === r.category.code);
          this.quote.set(offer ? { offer, difference: subtractMoney(offer.total, r.paid) } : 'none');
          focusAfterRender(this.injector, this.host.nativeElement, '#modify-quote');
        },
        error: (error: unknown) => {
          this.quoting.set(false);
          this.showModifyProblem(toProblem(error));
        },
      });
  }

  protected confirmModify(): void {
    const r = this.reservation();
    if (!r) return;
    const { pickupAt, returnAt } = this.newTimes();
    this.saving.set(true);
    this.modifyError.set(null);
    this.api.modify(r.id, { pickupAt, returnAt }).subscribe({
      next: (result) => {
        this.latest.set(result.reservation);
        if (result.outcome === 'payment_required') {
          // The difference is paid on Checkout; the change applies when its webhook arrives.
          this.api.checkout(r.id).subscribe({
            next: (session) => this.document.defaultView?.location.assign(result.checkoutUrl ?? session.url),
            error: (error: unknown) => {
              this.saving.set(false);
              this.modifying.set(false);
              this.payError.set(formProblemMessage(toProblem(error)));
            },
          });
          return;
        }
        this.saving.set(false);
        this.modifying.set(false);
        this.quote.set(null);
        const refund = formatMoney({ amountMinor: Math.abs(result.difference.amountMinor), currency: result.difference.currency }, this.i18n.intlLocale());
        if (result.outcome === 'refund_pending') this.notices.showHere('success', 'reservations.modify.refunded', { amount: refund });
        else this.notices.showHere('success', 'reservations.modify.applied');
        focusAfterRender(this.injector, this.host.nativeElement, 'h1');
      },
      error: (error: unknown) => {
        this.saving.set(false);
        this.showModifyProblem(toProblem(error));
      },
    });
  }

  private showModifyProblem(problem: ApiProblem): void {
    this.modifyError.set(formProblemMessage(problem, applyFieldErrors(this.modifyForm, problem.errors, FIELD_ALIASES)));
  }

  private newTimes(): { pickupAt: string; returnAt: string } {
    const v = this.modifyForm.getRawValue();
    return { pickupAt: joinLocal(v.pickupDate, v.pickupTime), returnAt: joinLocal(v.returnDate, v.returnTime) };
  }

  // ---------------------------------------------------------------- cancellation

  protected readonly cancelQuote = signal<CancellationQuote | null>(null);
  protected readonly cancelling = signal(false);
  protected readonly cancelError = signal<FormMessage | null>(null);
  protected readonly cancelled = signal<Cancellation | null>(null);

  protected askCancel(): void {
    const r = this.reservation();
    if (!r) return;
    this.cancelling.set(true);
    this.cancelError.set(null);
    this.api.cancellationQuote(r.id).subscribe({
      next: (quote) => {
        this.cancelling.set(false);
        this.cancelQuote.set(quote);
        focusAfterRender(this.injector, this.host.nativeElement, '#cancel-quote-title');
      },
      error: (error: unknown) => {
        this.cancelling.set(false);
        this.cancelError.set(formProblemMessage(toProblem(error)));
      },
    });
  }

  protected confirmCancel(): void {
    const r = this.reservation();
    if (!r) return;
    this.cancelling.set(true);
    this.cancelError.set(null);
    this.api.cancel(r.id).subscribe({
      next: (result) => {
        this.cancelling.set(false);
        this.cancelQuote.set(null);
        this.cancelled.set(result);
        this.latest.set(result.reservation);
        focusAfterRender(this.injector, this.host.nativeElement, '#cancelled-title');
      },
      error: (error: unknown) => {
        this.cancelling.set(false);
        this.cancelError.set(formProblemMessage(toProblem(error)));
      },
    });
  }

  // ---------------------------------------------------------------- display

  protected readonly statusKey = statusKey;
  protected readonly statusTone = statusTone;
  protected readonly classKey = classKey;

  constructor() {
    effect(() => this.titles.setPageName(this.reservation()?.reference ?? null));
    // The pickup date moved past the return: the return follows (same length of rental).
    this.modifyForm.controls.pickupDate.valueChanges.subscribe((pickup) => {
      if (pickup && this.modifyForm.controls.returnDate.value <= pickup) this.modifyForm.controls.returnDate.setValue(addDays(pickup, 1));
    });
  }

  protected money(value: Money): string {
    return formatMoney(value, this.i18n.intlLocale());
  }
  protected when(value: string): string {
    return formatLocalDateTime(value, this.i18n.intlLocale());
  }
  protected birthDate(value: string | null | undefined): string {
    return value ? formatDate(value, this.i18n.intlLocale()) : '—';
  }
  protected refundStatusKey(status: Cancellation['refund']['status']): TranslationKey {
    return `reservations.cancel.refund.${status}`;
  }
  protected abs(value: Money): Money {
    return { amountMinor: Math.abs(value.amountMinor), currency: value.currency };
  }

  /** The reservation every POLL_EVERY_MS until nothing waits for a webhook (or POLL_FOR_MS passed). */
  private poll(id: string): Observable<Reservation> {
    const deadline = Date.now() + POLL_FOR_MS;
    return interval(POLL_EVERY_MS).pipe(
      startWith(0),
      switchMap(() => this.api.get(id)),
      takeWhile((r) => !paymentSettled(r) && Date.now() < deadline, true),
    );
  }
}

/** `hours` before an offset date-time, at the same offset (the 48 h rule is elapsed time). */
function cutoff(text: string, hours: number): string {
  const instant = instantOf(text) - hours * 3_600_000;
  const offset = text.match(/(Z|[+-]\d{2}:\d{2})$/)?.[1] ?? 'Z';
  const minutes = offset === 'Z' ? 0 : (offset.startsWith('-') ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  const local = new Date(instant + minutes * 60_000).toISOString().slice(0, 16);
  return `${local}:00${offset}`;
}
