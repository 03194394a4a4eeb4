import { Routes } from '@angular/router';

import { provideRentalMessages } from '../rental/messages';

export const searchRoutes: Routes = [
  {
    path: '',
    providers: [provideRentalMessages()],
    // The criteria live in the query string: RouteFocus leaves focus and scroll alone when only they change.
    children: [{ path: '', title: 'offers.title', loadComponent: () => import('./offers').then((m) => m.Offers) }],
  },
];
