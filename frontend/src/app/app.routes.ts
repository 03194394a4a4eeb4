import { Routes } from '@angular/router';

import { authGuard, guestGuard, roleMatch } from './core/auth/guards';
import { SignIn } from './features/auth/sign-in';
import { Home } from './features/home/home';

/**
 * Top-level routes. Each business area is a lazy feature folder with its own `*.routes.ts`
 * (`search/` the offers, `booking/` the summary, `reservations/` the customer's own, behind
 * authGuard, `support/` the contact form and the customers' chat). The staff areas (`console/`
 * for support, `agent/` for agents) are behind `canMatch: [roleMatch(…)]`: for anybody else the
 * route does not match, so their chunks are never fetched. Route titles are dictionary keys.
 */
const loadSearch = () => import('./features/search/search.routes').then((m) => m.searchRoutes);
const loadBooking = () => import('./features/booking/booking.routes').then((m) => m.bookingRoutes);
const loadReservations = () => import('./features/reservations/reservations.routes').then((m) => m.reservationRoutes);
const loadAgencies = () => import('./features/agencies/agencies.routes').then((m) => m.agencyRoutes);

/** The customers' lazy areas, by first path segment: what {@link preloadEntryChunk} may fetch early. */
const ENTRY_CHUNKS: Readonly<Record<string, () => Promise<unknown>>> = {
  offers: loadSearch,
  book: loadBooking,
  reservations: loadReservations,
  agencies: loadAgencies,
};

/**
 * Starts downloading the chunk of the lazy area a page load lands on (`/offers?…`, `/book?…`),
 * before Angular starts: the router would ask for it only after the bootstrap, one round trip
 * later. The router's own `loadChildren` then gets the same module (imports are loaded once).
 * Staff areas are never fetched this way (their routes match for their roles only).
 */
export function preloadEntryChunk(pathname: string): void {
  void ENTRY_CHUNKS[pathname.split('/')[1] ?? '']?.().catch(() => undefined);
}

export const routes: Routes = [
  // Eager: the landing page with the search form (no chunk to wait for, no layout shift), one of the Lighthouse pages.
  { path: '', component: Home, title: 'home.title' },
  { path: 'offers', loadChildren: loadSearch },
  { path: 'book', loadChildren: loadBooking },
  { path: 'reservations', loadChildren: loadReservations },
  { path: 'support', loadChildren: () => import('./features/support/support.routes').then((m) => m.supportRoutes) },
  {
    path: 'console',
    canMatch: [roleMatch('support')],
    loadChildren: () => import('./features/console/console.routes').then((m) => m.consoleRoutes),
  },
  {
    path: 'agent',
    canMatch: [roleMatch('agent')],
    loadChildren: () => import('./features/agent/agent.routes').then((m) => m.agentRoutes),
  },
  {
    path: 'sign-in',
    canActivate: [guestGuard],
    title: 'signIn.title',
    // Eager: the page most visits go through, and one of the two Lighthouse budgets.
    component: SignIn,
  },
  // Lazy, with their texts (features/auth/messages.*) in the chunk of auth.routes.
  { path: 'register', canActivate: [guestGuard], loadChildren: () => import('./features/auth/auth.routes').then((m) => m.registerRoutes) },
  { path: 'verify-email', loadChildren: () => import('./features/auth/auth.routes').then((m) => m.verifyEmailRoutes) },
  { path: 'forgot-password', loadChildren: () => import('./features/auth/auth.routes').then((m) => m.forgotPasswordRoutes) },
  { path: 'reset-password', loadChildren: () => import('./features/auth/auth.routes').then((m) => m.resetPasswordRoutes) },
  { path: 'set-password', loadChildren: () => import('./features/auth/auth.routes').then((m) => m.setPasswordRoutes) },
  {
    path: 'account',
    canActivate: [authGuard],
    loadChildren: () => import('./features/account/account.routes').then((m) => m.accountRoutes),
  },
  {
    path: 'agencies',
    loadChildren: loadAgencies,
  },
  {
    path: 'terms',
    title: 'terms.title',
    loadComponent: () => import('./features/legal/terms').then((m) => m.Terms),
  },
  {
    path: 'error',
    title: 'errorPage.title',
    loadComponent: () => import('./features/errors/error-page').then((m) => m.ErrorPage),
  },
  {
    path: '**',
    title: 'notFound.title',
    loadComponent: () => import('./features/errors/not-found').then((m) => m.NotFound),
  },
];
