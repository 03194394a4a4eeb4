import { Routes } from '@angular/router';

export const agencyRoutes: Routes = [
  { path: '', title: 'agencies.title', loadComponent: () => import('./agency-list').then((m) => m.AgencyList) },
  { path: ':id', title: 'agencies.detailTitle', loadComponent: () => import('./agency-detail').then((m) => m.AgencyDetail) },
];
