import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import { endpoints } from './endpoints';
import type { Agency, DayPage, NewVehicle, Page, RateSet, RatesInput, Reservation, Vehicle, VehiclePatch } from './models';

/** What an agent does at the counter. */
export type CounterAction = 'pickup' | 'return' | 'no-show';

/** The agents' API: their agency, its day list, the counter's state changes, its fleet and rates. */
@Injectable({ providedIn: 'root' })
export class AgentService {
  private readonly http = inject(HttpClient);

  agency(id: string): Observable<Agency> {
    return this.http.get<Agency>(`${endpoints.agencies}/${encodeURIComponent(id)}`);
  }

  /** The day's pickups and returns; without `date`, the agency's today (the answer says which day). */
  day(agencyId: string, date: string | null, cursor: string | null = null): Observable<DayPage> {
    let params = new HttpParams().set('limit', 100);
    if (date) params = params.set('date', date);
    if (cursor) params = params.set('cursor', cursor);
    return this.http.get<DayPage>(`${endpoints.agencies}/${encodeURIComponent(agencyId)}/reservations`, { params });
  }

  act(reservationId: string, action: CounterAction): Observable<Reservation> {
    return this.http.post<Reservation>(`${endpoints.reservations}/${encodeURIComponent(reservationId)}/${action}`, null);
  }

  /** One page of the agency's fleet (active and inactive vehicles, by plate). */
  vehicles(agencyId: string, cursor: string | null = null): Observable<Page<Vehicle>> {
    let params = new HttpParams().set('limit', 100);
    if (cursor) params = params.set('cursor', cursor);
    return this.http.get<Page<Vehicle>>(`${endpoints.agencies}/${encodeURIComponent(agencyId)}/vehicles`, { params });
  }

  addVehicle(agencyId: string, vehicle: NewVehicle): Observable<Vehicle> {
    return this.http.post<Vehicle>(`${endpoints.agencies}/${encodeURIComponent(agencyId)}/vehicles`, vehicle);
  }

  updateVehicle(id: string, patch: VehiclePatch): Observable<Vehicle> {
    return this.http.patch<Vehicle>(`${endpoints.vehicles}/${encodeURIComponent(id)}`, patch);
  }

  /** Deactivates it (kept for history); 409 `vehicle_has_reservations` names the bookings in the way. */
  deactivateVehicle(id: string): Observable<void> {
    return this.http.delete<void>(`${endpoints.vehicles}/${encodeURIComponent(id)}`);
  }

  rates(agencyId: string): Observable<RateSet> {
    return this.http.get<RateSet>(`${endpoints.agencies}/${encodeURIComponent(agencyId)}/rates`);
  }

  /** Replaces the agency's whole rate set. */
  replaceRates(agencyId: string, rates: RatesInput): Observable<RateSet> {
    return this.http.put<RateSet>(`${endpoints.agencies}/${encodeURIComponent(agencyId)}/rates`, rates);
  }
}
