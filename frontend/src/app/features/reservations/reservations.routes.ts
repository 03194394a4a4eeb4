import { Routes } from '@angular/router';

import { authGuard } from '../../core/auth/guards';
import { provideRentalMessages } from '../rental/messages';

export const reservationRoutes: Routes = [
  {
    path: '',
    providers: [provideRentalMessages()],
    canActivate: [authGuard],
    children: [
      { path: '', title: 'reservations.title', loadComponent: () => import('./reservation-list').then((m) => m.ReservationList) },
      { path: ':id', title: 'reservations.detailTitle', loadComponent: () => import('./reservation-detail').then((m) => m.ReservationDetail) },
    ],
  },
];
