import { ChangeDetectionStrategy, Component, ElementRef, Injector, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { map } from 'rxjs';

import type { Offer } from '../../core/api/models';
import type { ApiProblem } from '../../core/api/problem';
import { toProblem } from '../../core/api/problem';
import { ReservationService } from '../../core/api/reservations.service';
import { AuthService } from '../../core/auth/auth.service';
import { LoadState, loadState } from '../../core/data/load-state';
import { formatDate } from '../../core/format/opening-hours';
import { formatMoney, perDay } from '../../core/format/money';
import { I18n, TranslatePipe } from '../../core/i18n/i18n';
import { FormAlert } from '../../shared/form-alert';
import { focusAfterRender } from '../../shared/forms';
import { LoadStatus } from '../../shared/load-status';
import { FormMessage, formProblemMessage, message } from '../../shared/problem-message';
import { AccountService } from '../account/account.service';
import { classKey } from '../search/acriss';
import { PriceSummary, TripDetails } from '../rental/rental-summary';
import { CategoryFeaturesList } from '../search/category-features';
import { criteriaFromParams, criteriaParams, offerQuery } from '../search/criteria';
import { InlineSignIn } from './inline-sign-in';

/**
 * The booking summary (`/book?pickupAgencyId=…&category=CDMR&…`): the offer priced again by the
 * API, the driver (the account holder, from the profile), then "Reserve": a `pending_payment`
 * reservation holding the car for 30 minutes, paid on its page. A visitor signs in here first.
 */
@Component({
  selector: 'app-booking',
  imports: [RouterLink, TranslatePipe, FormAlert, LoadStatus, CategoryFeaturesList, InlineSignIn, PriceSummary, TripDetails],
  templateUrl: './booking.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Booking {
  protected readonly i18n = inject(I18n);
  protected readonly auth = inject(AuthService);
  private readonly api = inject(ReservationService);
  private readonly account = inject(AccountService);
  private readonly router = inject(Router);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);
  private readonly query = toSignal(inject(ActivatedRoute).queryParams, { requireSync: true });

  protected readonly criteria = computed(() => {
    const criteria = criteriaFromParams(this.query());
    return criteria && criteria.pickup.kind === 'agency' && criteria.category?.length === 4 ? criteria : null;
  });

  /** The offer as the API prices it now (empty: no such car is free any more). */
  protected readonly offer = loadState({
    params: () => this.criteria(),
    load: (criteria) => this.api.offers(offerQuery(criteria)).pipe(map((page) => page.items.find((o) => o.category.code === criteria.category) ?? null)),
    isEmpty: (offer) => offer === null,
  });

  protected readonly driver = loadState({
    params: () => (this.auth.status() === 'authenticated' ? this.auth.user()?.id ?? null : null),
    load: () => this.account.me(),
  });
  /**
   * The driver shown: the profile as `/users/me` reads it, and while that read is on its way the
   * user the session already holds (the same `User`, read by the sign-in or the refresh), so the
   * section has its full size from the start.
   */
  protected readonly driverShown = computed(() => this.driver.value() ?? (this.driver.state().status === 'loading' ? this.auth.user() : null));

  /**
   * The page's state: the offer's, still `loading` while the session is being restored (a
   * returning visitor's refresh, in parallel with the offer's request), so that the sections
   * that depend on who is there (driver and confirmation, or the sign-in form) arrive with the
   * rest instead of pushing it down afterwards.
   */
  protected readonly page = computed<LoadState<Offer | null>>(() => {
    const state = this.offer.state();
    return state.status === 'data' && this.auth.status() === 'restoring' ? { status: 'loading' } : state;
  });

  protected readonly returnUrl = computed(() => this.router.url);
  protected readonly offersParams = computed(() => {
    const criteria = this.criteria();
    return criteria ? { ...criteriaParams(criteria), category: null } : {};
  });

  protected readonly submitting = signal(false);
  protected readonly formError = signal<FormMessage | null>(null);
  /** The problem of the last attempt (409 unavailable offers the way back to the offers). */
  protected readonly problem = signal<ApiProblem | null>(null);
  protected readonly accepted = signal(false);
  protected readonly acceptError = signal(false);
  /** One key per booking attempt of this page: a retried submit after a lost answer books once. */
  private idempotencyKey = newKey();
  private keyCriteria = '';

  protected readonly classKey = classKey;

  protected perDay(value: { amountMinor: number; currency: string }, days: number): string {
    return formatMoney(perDay(value, days), this.i18n.intlLocale());
  }
  protected birthDate(value: string | null | undefined): string {
    return value ? formatDate(value, this.i18n.intlLocale()) : '—';
  }

  protected reserve(): void {
    const criteria = this.criteria();
    const offer = this.offer.value();
    if (!criteria || !offer) return;
    this.formError.set(null);
    this.problem.set(null);
    if (!this.accepted()) {
      this.acceptError.set(true);
      this.formError.set(message('errors.checkFields'));
      focusAfterRender(this.injector, this.host.nativeElement, '#booking-accept');
      return;
    }
    const signature = JSON.stringify(criteria);
    if (signature !== this.keyCriteria) {
      this.idempotencyKey = newKey();
      this.keyCriteria = signature;
    }
    this.submitting.set(true);
    this.api
      .book(
        {
          pickupAgencyId: offer.pickupAgency.id,
          returnAgencyId: offer.returnAgency.id,
          pickupAt: criteria.pickupAt,
          returnAt: criteria.returnAt,
          category: offer.category.code,
        },
        this.idempotencyKey,
      )
      .subscribe({
        next: (reservation) => {
          this.submitting.set(false);
          void this.router.navigate(['/reservations', reservation.id]);
        },
        error: (error: unknown) => {
          this.submitting.set(false);
          const problem = toProblem(error);
          this.problem.set(problem);
          // A refused booking is settled: the next attempt is a new request with a new key. A lost
          // answer (network, 5xx), a request still running (409 request_in_flight) or a 429 may
          // have booked or may still book: retrying with the same key gets that booking.
          const settled = problem.status >= 400 && problem.status < 500 && problem.status !== 429 && problem.code !== 'request_in_flight';
          if (settled) this.keyCriteria = '';
          // No field of this page can be edited: every field error is listed in the alert.
          this.formError.set(formProblemMessage(problem, problem.errors));
        },
      });
  }
}

function newKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
