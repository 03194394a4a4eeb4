import { Routes } from '@angular/router';

import { roleGuard } from '../../core/auth/guards';
import { provideSupportMessages } from './messages';

/** The customers' side of support: the contact form (everyone), the chat (signed-in customers). */
export const supportRoutes: Routes = [
  {
    path: '',
    providers: [provideSupportMessages()],
    children: [
      { path: '', title: 'support.contact.title', loadComponent: () => import('./contact').then((m) => m.Contact) },
      {
        path: 'chat',
        canActivate: [roleGuard('client')],
        children: [
          { path: '', title: 'support.chat.title', loadComponent: () => import('./conversation-list').then((m) => m.ConversationList) },
          { path: ':id', title: 'support.chat.conversationTitle', loadComponent: () => import('./chat-page').then((m) => m.ChatPage) },
        ],
      },
    ],
  },
];
