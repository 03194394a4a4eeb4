import { HttpClient, HttpContext, HttpContextToken, HttpErrorResponse } from '@angular/common/http';
import { DOCUMENT, Injectable, computed, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import { Observable, defer, finalize, firstValueFrom, from, map, shareReplay, tap } from 'rxjs';

import { endpoints } from '../api/endpoints';
import type { RegistrationRequest, Role, SessionResponse, User } from '../api/models';
import { Notices } from '../notices';
import { requiresSession } from './session-routes';
import { SessionSync } from './session-sync';

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
 * Whether a failed refresh means the session is over (the API refused the cookie), not that the
 * API was unreachable, failing or busy (the session may still be fine: the next call tries again).
 */
export function refreshRefused(error: unknown): boolean {
  return error instanceof HttpErrorResponse && [400, 401, 403].includes(error.status);
}

/**
 * The session: the access token lives in memory only; the refresh token is the HttpOnly
 * `ycyw_refresh` cookie, exchanged for a new access token on start-up and on a 401, one
 * exchange at a time in the whole browser: the tabs share the cookie, and the API revokes the
 * session when a rotated one is used again ({@link SessionSync}).
 */
@Injectable({ providedIn: 'root' })
export class AuthService {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);
  private readonly notices = inject(Notices);
  private readonly storage = inject(DOCUMENT).defaultView?.localStorage ?? null;
  private readonly sync = inject(SessionSync);

  private accessToken: string | null = null;
  /** Counts the access tokens this tab got, its own or another tab's. */
  private generation = 0;
  private signingOut = false;
  private refreshInFlight: Observable<string> | null = null;
  private restored: Promise<void> | null = null;

  readonly user = signal<User | null>(null);
  readonly status = signal<SessionStatus>('restoring');
  readonly isAuthenticated = computed(() => this.user() !== null);
  readonly role = computed<Role | null>(() => this.user()?.role ?? null);

  constructor() {
    this.sync.messages.subscribe((message) => {
      // A token another tab got just before this one signed out belongs to the revoked session.
      if (message.type === 'session' && !this.signingOut) this.start(message.session);
      else if (message.type === 'signed-out') this.endedElsewhere();
    });
  }

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
        tap((session) => this.startAndShare(session)),
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

  /** Revokes the session on the server (whatever happens there, it ends here and in the other tabs). */
  signOut(): Observable<unknown> {
    this.signingOut = true;
    return this.http.delete(endpoints.currentSession, { withCredentials: true, context: skipAuth() }).pipe(
      finalize(() => {
        this.signingOut = false;
        this.end();
      }),
    );
  }

  /**
   * One refresh at a time: concurrent callers of this tab share the same attempt, and the tabs
   * of the browser take turns. A tab that got a token from another tab while waiting for its
   * turn uses it instead of refreshing again.
   */
  refresh(): Observable<string> {
    this.refreshInFlight ??= defer(() => {
      const before = this.generation;
      return from(
        this.sync.exclusive(() => {
          if (this.generation !== before && this.accessToken !== null) return Promise.resolve(this.accessToken);
          return firstValueFrom(
            this.http.post<SessionResponse>(endpoints.refresh, null, { withCredentials: true, context: skipAuth() }).pipe(
              tap((session) => this.startAndShare(session)),
              map((session) => session.accessToken),
            ),
          );
        }),
      );
    }).pipe(
      finalize(() => (this.refreshInFlight = null)),
      shareReplay({ bufferSize: 1, refCount: false }),
    );
    return this.refreshInFlight;
  }

  /** The refresh cookie is gone or revoked: back to anonymous (in every tab), and to the sign-in page. */
  sessionExpired(): void {
    const wasSignedIn = this.isAuthenticated();
    this.end();
    if (wasSignedIn) {
      this.notices.show('warning', 'notices.sessionExpired');
      void this.router.navigate(['/sign-in'], { queryParams: { returnUrl: this.router.url } });
    }
  }

  /** After a profile change. */
  updateUser(user: User): void {
    this.user.set(user);
  }

  /** The session ended on the server (sign-out, deletion, refused refresh): forgets it here and in the other tabs. */
  end(): void {
    this.clear();
    this.sync.publish({ type: 'signed-out' });
  }

  /** Forgets the session in this tab only (e.g. a restore that could not reach the API). */
  clear(): void {
    this.accessToken = null;
    this.user.set(null);
    this.status.set('anonymous');
    this.storage?.removeItem(SESSION_HINT);
  }

  private start(session: SessionResponse): void {
    this.accessToken = session.accessToken;
    this.generation += 1;
    this.user.set(session.user);
    this.status.set('authenticated');
    this.storage?.setItem(SESSION_HINT, '1');
  }

  private startAndShare(session: SessionResponse): void {
    this.start(session);
    this.sync.publish({ type: 'session', session });
  }

  /** Another tab signed out: this one too, leaving the pages that need a session. */
  private endedElsewhere(): void {
    const wasSignedIn = this.isAuthenticated();
    this.clear();
    if (!wasSignedIn) return;
    if (requiresSession(this.router.routerState.snapshot.root)) {
      this.notices.show('info', 'notices.signedOutElsewhere');
      void this.router.navigate(['/sign-in'], { queryParams: { returnUrl: this.router.url } });
    } else {
      this.notices.showHere('info', 'notices.signedOutElsewhere');
    }
  }

  private hasSessionHint(): boolean {
    return this.storage?.getItem(SESSION_HINT) === '1';
  }
}
