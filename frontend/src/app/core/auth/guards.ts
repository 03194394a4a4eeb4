import { inject } from '@angular/core';
import { CanActivateFn, RedirectCommand, Router } from '@angular/router';

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

/** Pages for visitors (sign in, register): a signed-in user goes to their account. */
export const guestGuard: CanActivateFn = async () => {
  const auth = inject(AuthService);
  const router = inject(Router);
  await auth.restore();
  return !auth.isAuthenticated() || router.createUrlTree(['/account']);
};

/** A return URL from the query string, only when it stays inside the app. */
export function safeReturnUrl(raw: string | null | undefined): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/account';
  return raw;
}
