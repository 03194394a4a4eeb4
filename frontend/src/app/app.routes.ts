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
export const routes: Routes = [
  // Eager: the landing page with the search form (no chunk to wait for, no layout shift), one of the Lighthouse pages.
  { path: '', component: Home, title: 'home.title' },
  { path: 'offers', loadChildren: () => import('./features/search/search.routes').then((m) => m.searchRoutes) },
  { path: 'book', loadChildren: () => import('./features/booking/booking.routes').then((m) => m.bookingRoutes) },
  { path: 'reservations', loadChildren: () => import('./features/reservations/reservations.routes').then((m) => m.reservationRoutes) },
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
    title: 'auth.signIn.title',
    // Eager: the page most visits go through, and one of the two Lighthouse budgets.
    component: SignIn,
  },
  {
    path: 'register',
    canActivate: [guestGuard],
    title: 'auth.register.title',
    loadComponent: () => import('./features/auth/register').then((m) => m.Register),
  },
  {
    path: 'verify-email',
    title: 'auth.verify.title',
    loadComponent: () => import('./features/auth/verify-email').then((m) => m.VerifyEmail),
  },
  {
    path: 'forgot-password',
    title: 'auth.forgot.title',
    loadComponent: () => import('./features/auth/forgot-password').then((m) => m.ForgotPassword),
  },
  {
    path: 'reset-password',
    title: 'auth.reset.title',
    data: { mode: 'reset' },
    loadComponent: () => import('./features/auth/set-password').then((m) => m.SetPassword),
  },
  {
    path: 'set-password',
    title: 'auth.staff.title',
    data: { mode: 'staff', staffPage: true },
    loadComponent: () => import('./features/auth/set-password').then((m) => m.SetPassword),
  },
  {
    path: 'account',
    canActivate: [authGuard],
    loadChildren: () => import('./features/account/account.routes').then((m) => m.accountRoutes),
  },
  {
    path: 'agencies',
    loadChildren: () => import('./features/agencies/agencies.routes').then((m) => m.agencyRoutes),
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
