import { Route, Routes } from '@angular/router';

import { provideAuthMessages } from './messages';

/**
 * The lazy auth pages. Each top-level path (`/register`, `/verify-email`, …) loads its routes from
 * here, so that the pages' texts come with this chunk (registered by the route's providers before
 * the page renders) while the paths stay where they are. The sign-in page is not here: it is
 * eager, and its texts are in the core dictionary.
 */
function page(title: string, loadComponent: Route['loadComponent'], data?: Route['data']): Routes {
  return [{ path: '', title, data, providers: [provideAuthMessages()], loadComponent }];
}

export const registerRoutes = page('auth.register.title', () => import('./register').then((m) => m.Register));
export const verifyEmailRoutes = page('auth.verify.title', () => import('./verify-email').then((m) => m.VerifyEmail));
export const forgotPasswordRoutes = page('auth.forgot.title', () => import('./forgot-password').then((m) => m.ForgotPassword));
export const resetPasswordRoutes = page('auth.reset.title', () => import('./set-password').then((m) => m.SetPassword), { mode: 'reset' });
export const setPasswordRoutes = page('auth.staff.title', () => import('./set-password').then((m) => m.SetPassword), {
  mode: 'staff',
  staffPage: true,
});
