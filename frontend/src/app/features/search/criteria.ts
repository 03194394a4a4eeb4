import type { Params } from '@angular/router';

import type { OfferQuery } from '../../core/api/reservations.service';

/** Where a rental starts or ends: every agency of a city, or one agency. */
export type Place = { readonly kind: 'city'; readonly city: string } | { readonly kind: 'agency'; readonly agencyId: string };

/**
 * A search as the URL keeps it (`/offers?pickupCity=Paris&pickupAt=2026-12-08T10:00&…`): the
 * query parameters of `GET /offers`, so the offers page, a shared link and the booking page all
 * read the same criteria. Times are the agencies' local `YYYY-MM-DDTHH:MM`.
 */
export interface SearchCriteria {
  readonly pickup: Place;
  /** `null`: back to the same place. */
  readonly return: Place | null;
  readonly pickupAt: string;
  readonly returnAt: string;
  /** An ACRISS code or its class letter (`C`: every compact), or none. */
  readonly category: string | null;
}

const LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

function placeOf(params: Params, prefix: 'pickup' | 'return'): Place | null {
  const agencyId = params[`${prefix}AgencyId`];
  const city = params[`${prefix}City`];
  if (typeof agencyId === 'string' && agencyId) return { kind: 'agency', agencyId };
  if (typeof city === 'string' && city.trim()) return { kind: 'city', city: city.trim() };
  return null;
}

/** The criteria of a URL's query, or `null` when a required part is missing. */
export function criteriaFromParams(params: Params): SearchCriteria | null {
  const pickup = placeOf(params, 'pickup');
  const pickupAt = params['pickupAt'];
  const returnAt = params['returnAt'];
  if (!pickup || typeof pickupAt !== 'string' || typeof returnAt !== 'string' || !LOCAL.test(pickupAt) || !LOCAL.test(returnAt)) return null;
  const category = typeof params['category'] === 'string' && params['category'] ? params['category'].toUpperCase() : null;
  return { pickup, return: placeOf(params, 'return'), pickupAt, returnAt, category };
}

/** The query parameters of criteria (every key present, `null` to remove it from the URL). */
export function criteriaParams(criteria: SearchCriteria): Record<string, string | null> {
  const place = (p: Place | null, prefix: string) => ({
    [`${prefix}City`]: p?.kind === 'city' ? p.city : null,
    [`${prefix}AgencyId`]: p?.kind === 'agency' ? p.agencyId : null,
  });
  return {
    ...place(criteria.pickup, 'pickup'),
    ...place(criteria.return, 'return'),
    pickupAt: criteria.pickupAt,
    returnAt: criteria.returnAt,
    category: criteria.category,
  };
}

/** The `GET /offers` query of criteria. */
export function offerQuery(criteria: SearchCriteria): OfferQuery {
  const params = criteriaParams(criteria);
  return {
    pickupCity: params['pickupCity'],
    pickupAgencyId: params['pickupAgencyId'],
    returnCity: params['returnCity'],
    returnAgencyId: params['returnAgencyId'],
    pickupAt: criteria.pickupAt,
    returnAt: criteria.returnAt,
    category: criteria.category,
  };
}

/** `YYYY-MM-DD` and `HH:MM` of a local date-time, and back. */
export function splitLocal(value: string): { date: string; time: string } {
  return { date: value.slice(0, 10), time: value.slice(11, 16) };
}

export function joinLocal(date: string, time: string): string {
  return `${date}T${time}`;
}

/** A calendar date `days` after `YYYY-MM-DD` (no time zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Today's date where the visitor is (a default for the form, which the API checks in the agency's zone). */
export function todayHere(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
