import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import { endpoints } from '../../core/api/endpoints';
import type { Agency, Page } from '../../core/api/models';

export interface AgencyFilters {
  country?: string | null;
  city?: string | null;
  q?: string | null;
  limit?: number;
  cursor?: string | null;
}

/** The public agency catalog (`GET /agencies`, `GET /agencies/{id}`). */
@Injectable({ providedIn: 'root' })
export class AgencyService {
  private readonly http = inject(HttpClient);

  list(filters: AgencyFilters = {}): Observable<Page<Agency>> {
    let params = new HttpParams();
    for (const [name, value] of Object.entries(filters)) {
      if (value !== null && value !== undefined && value !== '') params = params.set(name, String(value));
    }
    return this.http.get<Page<Agency>>(endpoints.agencies, { params });
  }

  get(id: string): Observable<Agency> {
    return this.http.get<Agency>(`${endpoints.agencies}/${encodeURIComponent(id)}`);
  }
}
