import { inject } from '@angular/core';
import { CanActivateFn, CanMatchFn, RedirectCommand, Router } from '@angular/router';

import type { Role } from '../api/models';
import { AuthService } from './auth.service';
import { sessionGuard } from './session-routes';

/** Signed-in users only; others go to the sign-in page and come back afterwards. */
export const authGuard: CanActivateFn = sessionGuard(async (_route, state) => {
  const auth = inject(AuthService);
  const router = inject(Router);
  await auth.restore();
  return auth.isAuthenticated() || router.createUrlTree(['/sign-in'], { queryParams: { returnUrl: state.url } });
});

/** Users of one of `roles` only (e.g. the agent desk); signed-in users of another role see the 404. */
export function roleGuard(...roles: Role[]): CanActivateFn {
  return sessionGuard<CanActivateFn>(async (_route, state) => {
    const auth = inject(AuthService);
    const router = inject(Router);
    await auth.restore();
    const role = auth.role();
    if (role === null) {
      return router.createUrlTree(['/sign-in'], { queryParams: { returnUrl: state.url } });
    }
    return roles.includes(role) || new RedirectCommand(router.parseUrl('/not-found'), { skipLocationChange: true });
  });
}

/**
 * The staff areas (support console, agents' desk): the route only matches for users of one of
 * `roles`, so its lazy chunks are never even fetched for anybody else (a client gets the 404, a
 * visitor the sign-in page and back).
 */
export function roleMatch(...roles: Role[]): CanMatchFn {
  return sessionGuard<CanMatchFn>(async (_route, segments) => {
    const auth = inject(AuthService);
    const router = inject(Router);
    await auth.restore();
    const role = auth.role();
    if (role === null) {
      const url = router.getCurrentNavigation()?.extractedUrl.toString() ?? `/${segments.map((s) => s.path).join('/')}`;
      return router.createUrlTree(['/sign-in'], { queryParams: { returnUrl: url } });
    }
    return roles.includes(role);
  });
}

/** Where a user of `role` starts: customers their reservations, support the console, agents their agency's day. */
export function landingFor(role: Role | null): string {
  switch (role) {
    case 'support':
      return '/console';
    case 'agent':
      return '/agent';
    default:
      return '/reservations';
  }
}

/** Pages for visitors (sign in, register): a signed-in user goes to the start page of their role. */
export const guestGuard: CanActivateFn = async () => {
  const auth = inject(AuthService);
  const router = inject(Router);
  await auth.restore();
  return !auth.isAuthenticated() || router.parseUrl(landingFor(auth.role()));
};

/** A return URL from the query string, only when it stays inside the app; else `fallback`. */
export function safeReturnUrl(raw: string | null | undefined, fallback = '/account'): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return fallback;
  return raw;
}
