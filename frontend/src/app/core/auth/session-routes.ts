import type { ActivatedRouteSnapshot } from '@angular/router';

/** The guards that let only signed-in users through (authGuard, roleGuard). */
const SESSION_GUARDS = new WeakSet<object>();

/** Marks `guard` as one that needs a session, for {@link requiresSession}. */
export function sessionGuard<T extends object>(guard: T): T {
  SESSION_GUARDS.add(guard);
  return guard;
}

/** Whether the page shown (the route tree from `root` down its primary outlet) needs a session. */
export function requiresSession(root: ActivatedRouteSnapshot): boolean {
  for (let route: ActivatedRouteSnapshot | null = root; route; route = route.firstChild) {
    const config = route.routeConfig;
    const guards = [...(config?.canActivate ?? []), ...(config?.canActivateChild ?? []), ...(config?.canMatch ?? [])];
    if (guards.some((guard) => typeof guard === 'function' && SESSION_GUARDS.has(guard))) return true;
  }
  return false;
}
