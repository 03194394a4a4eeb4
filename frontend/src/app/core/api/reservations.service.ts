import { HttpClient, HttpHeaders, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import { endpoints } from './endpoints';
import type {
  Cancellation,
  CancellationQuote,
  CheckoutSession,
  Modification,
  NewReservation,
  Offer,
  Page,
  Reservation,
  ReservationPatch,
  VehicleCategory,
} from './models';

/** What `GET /offers` takes: the places (a city or an agency), agency-local times, a category filter. */
export interface OfferQuery {
  pickupCity?: string | null;
  pickupAgencyId?: string | null;
  returnCity?: string | null;
  returnAgencyId?: string | null;
  pickupAt: string;
  returnAt: string;
  category?: string | null;
}

/**
 * The reservations and payments API of a customer: offers, booking (with an `Idempotency-Key`,
 * so a retried submit books once), their reservations, modification, cancellation, checkout.
 */
@Injectable({ providedIn: 'root' })
export class ReservationService {
  private readonly http = inject(HttpClient);

  categories(): Observable<Page<VehicleCategory>> {
    return this.http.get<Page<VehicleCategory>>(endpoints.vehicleCategories, { params: { limit: 100 } });
  }

  offers(query: OfferQuery): Observable<Page<Offer>> {
    return this.http.get<Page<Offer>>(endpoints.offers, { params: paramsOf({ ...query, limit: 100 }) });
  }

  /** `idempotencyKey`: one per booking attempt of the page (a retry of the same submit reuses it). */
  book(request: NewReservation, idempotencyKey: string): Observable<Reservation> {
    return this.http.post<Reservation>(endpoints.reservations, request, { headers: new HttpHeaders({ 'Idempotency-Key': idempotencyKey }) });
  }

  list(scope: 'upcoming' | 'past', cursor: string | null = null): Observable<Page<Reservation>> {
    return this.http.get<Page<Reservation>>(endpoints.reservations, { params: paramsOf({ scope, cursor, limit: 20 }) });
  }

  get(id: string): Observable<Reservation> {
    return this.http.get<Reservation>(`${endpoints.reservations}/${encodeURIComponent(id)}`);
  }

  modify(id: string, patch: ReservationPatch): Observable<Modification> {
    return this.http.patch<Modification>(`${endpoints.reservations}/${encodeURIComponent(id)}`, patch);
  }

  cancellationQuote(id: string): Observable<CancellationQuote> {
    return this.http.get<CancellationQuote>(`${endpoints.reservations}/${encodeURIComponent(id)}/cancellation-quote`);
  }

  cancel(id: string): Observable<Cancellation> {
    return this.http.post<Cancellation>(`${endpoints.reservations}/${encodeURIComponent(id)}/cancellation`, null);
  }

  /** A Checkout Session for what the reservation owes now (the booking, or a change's difference). */
  checkout(id: string): Observable<CheckoutSession> {
    return this.http.post<CheckoutSession>(`${endpoints.reservations}/${encodeURIComponent(id)}/checkout-sessions`, null);
  }
}

function paramsOf(values: Readonly<Record<string, string | number | null | undefined>>): HttpParams {
  let params = new HttpParams();
  for (const [name, value] of Object.entries(values)) {
    if (value !== null && value !== undefined && value !== '') params = params.set(name, String(value));
  }
  return params;
}
