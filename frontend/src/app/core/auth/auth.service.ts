import { HttpClient, HttpContext, HttpContextToken } from '@angular/common/http';
import { DOCUMENT, Injectable, computed, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import { Observable, finalize, firstValueFrom, map, shareReplay, tap } from 'rxjs';

import { endpoints } from '../api/endpoints';
import type { RegistrationRequest, Role, SessionResponse, User } from '../api/models';
import { Notices } from '../notices';

/** Marks requests the auth interceptor must leave alone (sign-in, refresh, sign-out). */
export const SKIP_AUTH = new HttpContextToken<boolean>(() => false);
const skipAuth = () => new HttpContext().set(SKIP_AUTH, true);

/**
 * Whether this browser had a session: lets the start-up skip the refresh call for visitors who
 * never signed in. It holds no secret: the refresh token is in an HttpOnly cookie.
 */
const SESSION_HINT = 'ycyw.session';

export type SessionStatus = 'restoring' | 'anonymous' | 'authenticated';

/**
 * The session: the access token lives in memory only; the refresh token is the HttpOnly
 * `ycyw_refresh` cookie, exchanged for a new access token on start-up and on a 401, one
 * exchange at a time.
 */
@Injectable({ providedIn: 'root' })
export class AuthService {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);
  private readonly notices = inject(Notices);
  private readonly storage = inject(DOCUMENT).defaultView?.localStorage ?? null;

  private accessToken: string | null = null;
  private refreshInFlight: Observable<string> | null = null;
  private restored: Promise<void> | null = null;

  readonly user = signal<User | null>(null);
  readonly status = signal<SessionStatus>('restoring');
  readonly isAuthenticated = computed(() => this.user() !== null);
  readonly role = computed<Role | null>(() => this.user()?.role ?? null);

  /** The access token for the bearer header, if signed in. */
  token(): string | null {
    return this.accessToken;
  }

  /** Restores the session from the refresh cookie once; later calls wait for the same attempt. */
  restore(): Promise<void> {
    if (this.restored) return this.restored;
    const attempt = this.hasSessionHint()
      ? firstValueFrom(this.refresh()).then(
          () => undefined,
          () => {
            if (this.accessToken === null) this.clear();
          },
        )
      : Promise.resolve();
    this.restored = attempt.then(() => {
      if (this.status() === 'restoring') this.status.set('anonymous');
    });
    return this.restored;
  }

  signIn(email: string, password: string): Observable<User> {
    return this.http
      .post<SessionResponse>(endpoints.sessions, { email, password }, { withCredentials: true, context: skipAuth() })
      .pipe(
        tap((session) => this.start(session)),
        map((session) => session.user),
      );
  }

  register(request: RegistrationRequest): Observable<unknown> {
    return this.http.post(endpoints.registrations, request, { context: skipAuth() });
  }

  verifyEmail(token: string): Observable<unknown> {
    return this.http.post(endpoints.emailVerifications, { token }, { context: skipAuth() });
  }

  requestPasswordReset(email: string): Observable<unknown> {
    return this.http.post(endpoints.passwordResetRequests, { email }, { context: skipAuth() });
  }

  /** Sets a new password with the token of a reset link or of a staff invitation. */
  resetPassword(token: string, newPassword: string): Observable<unknown> {
    return this.http.post(endpoints.passwordResets, { token, newPassword }, { context: skipAuth() });
  }

  /** Revokes the session on the server (whatever happens there, it ends here). */
  signOut(): Observable<unknown> {
    return this.http
      .delete(endpoints.currentSession, { withCredentials: true, context: skipAuth() })
      .pipe(finalize(() => this.clear()));
  }

  /** One refresh at a time: concurrent callers share the same request and its new token. */
  refresh(): Observable<string> {
    this.refreshInFlight ??= this.http
      .post<SessionResponse>(endpoints.refresh, null, { withCredentials: true, context: skipAuth() })
      .pipe(
        tap((session) => this.start(session)),
        map((session) => session.accessToken),
        finalize(() => (this.refreshInFlight = null)),
        shareReplay({ bufferSize: 1, refCount: false }),
      );
    return this.refreshInFlight;
  }

  /** The refresh cookie is gone or revoked: back to anonymous, and to the sign-in page. */
  sessionExpired(): void {
    const wasSignedIn = this.isAuthenticated();
    this.clear();
    if (wasSignedIn) {
      this.notices.show('warning', 'notices.sessionExpired');
      void this.router.navigate(['/sign-in'], { queryParams: { returnUrl: this.router.url } });
    }
  }

  /** After a profile change. */
  updateUser(user: User): void {
    this.user.set(user);
  }

  /** Forgets the session locally (sign-out, deletion, failed refresh). */
  clear(): void {
    this.accessToken = null;
    this.user.set(null);
    this.status.set('anonymous');
    this.storage?.removeItem(SESSION_HINT);
  }

  private start(session: SessionResponse): void {
    this.accessToken = session.accessToken;
    this.user.set(session.user);
    this.status.set('authenticated');
    this.storage?.setItem(SESSION_HINT, '1');
  }

  private hasSessionHint(): boolean {
    return this.storage?.getItem(SESSION_HINT) === '1';
  }
}
