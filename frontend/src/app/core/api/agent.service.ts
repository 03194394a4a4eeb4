import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import { endpoints } from './endpoints';
import type { Agency, DayPage, Reservation } from './models';

/** What an agent does at the counter. */
export type CounterAction = 'pickup' | 'return' | 'no-show';

/** The agents' API: their agency, its day list, and the counter's state changes. */
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
}
