import { Routes } from '@angular/router';

import { provideRentalMessages } from '../rental/messages';
import { Booking } from './booking';

/**
 * No guard: a visitor signs in (or starts an account) on the page itself, without losing the
 * offer. The page is in the chunk of these routes (no `loadComponent`): one download before it
 * renders, not two in a row.
 */
export const bookingRoutes: Routes = [
  {
    path: '',
    providers: [provideRentalMessages()],
    children: [{ path: '', title: 'booking.title', component: Booking }],
  },
];
