import { Routes } from '@angular/router';

import { provideFeatureMessages } from '../../core/i18n/i18n';
import { en } from './messages.en';
import { fr } from './messages.fr';

export const agencyRoutes: Routes = [
  {
    path: '',
    // The agency pages' texts come with their chunk.
    providers: [provideFeatureMessages({ en, fr })],
    children: [
      { path: '', title: 'agencies.title', loadComponent: () => import('./agency-list').then((m) => m.AgencyList) },
      { path: ':id', title: 'agencies.detailTitle', loadComponent: () => import('./agency-detail').then((m) => m.AgencyDetail) },
    ],
  },
];
