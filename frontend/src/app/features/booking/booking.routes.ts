import { Routes } from '@angular/router';

import { provideRentalMessages } from '../rental/messages';

/** No guard: a visitor signs in (or starts an account) on the page itself, without losing the offer. */
export const bookingRoutes: Routes = [
  {
    path: '',
    providers: [provideRentalMessages()],
    children: [{ path: '', title: 'booking.title', loadComponent: () => import('./booking').then((m) => m.Booking) }],
  },
];
