import { Routes } from '@angular/router';

import { provideFeatureMessages } from '../../core/i18n/i18n';
import { provideSupportMessages } from '../support/messages';
import { en } from './messages.en';
import { fr } from './messages.fr';

/** The support console (behind `roleMatch('support')` in app.routes.ts: its chunks never load for others). */
export const consoleRoutes: Routes = [
  {
    path: '',
    providers: [provideSupportMessages(), provideFeatureMessages({ en, fr })],
    data: { staffPage: true },
    children: [
      { path: '', title: 'console.queue.title', loadComponent: () => import('./queue').then((m) => m.Queue) },
      { path: 'contact-requests', title: 'console.contact.title', loadComponent: () => import('./contact-requests').then((m) => m.ContactRequests) },
      { path: 'conversations/:id', title: 'console.conversation.title', loadComponent: () => import('./console-conversation').then((m) => m.ConsoleConversation) },
    ],
  },
];
