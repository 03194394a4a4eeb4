import { Routes } from '@angular/router';

import { AccountLayout } from './account-layout';
import { provideAccountMessages } from './messages';

export const accountRoutes: Routes = [
  {
    path: '',
    component: AccountLayout,
    providers: [provideAccountMessages()],
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'profile' },
      { path: 'profile', title: 'account.profile.title', loadComponent: () => import('./profile').then((m) => m.Profile) },
      { path: 'security', title: 'account.security.title', loadComponent: () => import('./security').then((m) => m.Security) },
      { path: 'privacy', title: 'account.privacy.title', loadComponent: () => import('./privacy').then((m) => m.Privacy) },
    ],
  },
];
