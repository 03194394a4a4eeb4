import { HttpClient, HttpResponse } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, map, tap } from 'rxjs';

import { endpoints } from '../../core/api/endpoints';
import type { ProfilePatch, User } from '../../core/api/models';
import { AuthService } from '../../core/auth/auth.service';

/** The signed-in user's own account: `/users/me` and its sub-resources. */
@Injectable({ providedIn: 'root' })
export class AccountService {
  private readonly http = inject(HttpClient);
  private readonly auth = inject(AuthService);

  me(): Observable<User> {
    return this.http.get<User>(endpoints.me).pipe(tap((user) => this.auth.updateUser(user)));
  }

  update(patch: ProfilePatch): Observable<User> {
    return this.http.patch<User>(endpoints.me, patch).pipe(tap((user) => this.auth.updateUser(user)));
  }

  /** Other sessions are revoked; this one stays (its refresh cookie goes with the request). */
  changePassword(currentPassword: string, newPassword: string): Observable<unknown> {
    return this.http.put(endpoints.myPassword, { currentPassword, newPassword }, { withCredentials: true });
  }

  /** Everything the API holds about the user, as a file to save. */
  export(): Observable<{ blob: Blob; filename: string }> {
    return this.http.get(endpoints.myExport, { responseType: 'blob', observe: 'response' }).pipe(
      map((response: HttpResponse<Blob>) => ({
        blob: response.body ?? new Blob([], { type: 'application/json' }),
        filename: filenameOf(response.headers.get('Content-Disposition')) ?? 'ycyw-my-data.json',
      })),
    );
  }

  /** Erases the account (clients); the session ends here too. */
  delete(password: string): Observable<unknown> {
    return this.http.delete(endpoints.me, { body: { password } }).pipe(tap(() => this.auth.end()));
  }
}

/** The file name of a `Content-Disposition: attachment; filename="…"` header. */
export function filenameOf(header: string | null): string | null {
  const match = header ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header) : null;
  return match ? decodeURIComponent(match[1]) : null;
}

/** Saves a blob as a download, the way a link with `download` does. */
export function saveFile(document: Document, blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
