import { Routes } from '@angular/router';

import { provideRentalMessages } from '../rental/messages';
import { Offers } from './offers';

/**
 * The page is in the chunk of these routes (no `loadComponent`): one download before it renders,
 * not two in a row.
 */
export const searchRoutes: Routes = [
  {
    path: '',
    providers: [provideRentalMessages()],
    // The criteria live in the query string: RouteFocus leaves focus and scroll alone when only they change.
    children: [{ path: '', title: 'offers.title', component: Offers }],
  },
];
