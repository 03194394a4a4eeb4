import { Routes } from '@angular/router';

import { provideFeatureMessages } from '../../core/i18n/i18n';
import { provideRentalMessages } from '../rental/messages';
import { en } from './messages.en';
import { fr } from './messages.fr';

/** The agents' desk (behind `roleMatch('agent')` in app.routes.ts: its chunks never load for others). */
export const agentRoutes: Routes = [
  {
    path: '',
    // The reservation statuses come from the rental texts.
    providers: [provideRentalMessages(), provideFeatureMessages({ en, fr })],
    data: { staffPage: true },
    children: [
      { path: '', title: 'agent.day.title', loadComponent: () => import('./day-list').then((m) => m.DayList) },
      { path: 'fleet', title: 'agent.fleet.title', loadComponent: () => import('./fleet').then((m) => m.Fleet) },
      { path: 'rates', title: 'agent.rates.title', loadComponent: () => import('./rates').then((m) => m.Rates) },
    ],
  },
];
