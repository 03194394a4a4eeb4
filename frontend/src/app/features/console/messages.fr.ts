import type { ConsoleMessages } from './messages.en';

/** French texts of the support console (the same keys as `messages.en.ts`). */
export const fr: ConsoleMessages = {
  console: {
    eyebrow: 'Console du service client',
    nav: 'Console du service client',
    refresh: 'Actualiser',
    more: 'Afficher plus',
    claim: 'Prendre cette conversation',
    queue: {
      title: 'Console du service client : conversations',
      heading: 'Conversations',
      filter: 'Statut des conversations',
      filters: { open: 'En attente', assigned: 'En cours', closed: 'Closes' },
      none: 'Aucune conversation ici.',
      opened: 'Ouverte le {when}',
      last: 'dernière activité le {when}',
      mine: 'Prise par vous',
      colleague: 'Prise par un collègue',
      live: 'En direct',
      paused: 'Mises à jour en direct suspendues : reconnexion…',
      arrived: 'Nouvelle conversation en attente : {subject}',
    },
    conversation: {
      title: 'Console du service client : conversation',
      back: 'Toutes les conversations',
      close: 'Clore la conversation',
      claimFirst: 'Prenez cette conversation pour répondre au client.',
      colleagueNote: 'Un collègue s’occupe de cette conversation : vous pouvez la lire, pas y répondre.',
    },
    contact: {
      title: 'Console du service client : demandes de contact',
      heading: 'Demandes de contact',
      filter: 'Quelles demandes',
      unhandled: 'À traiter',
      handled: 'Traitées',
      none: 'Aucune demande en attente. Bravo !',
      noneHandled: 'Aucune demande traitée pour l’instant.',
      from: 'De {name} ({email})',
      reference: 'réservation {reference}',
      reply: 'Répondre par e-mail',
      markHandled: 'Marquer comme traitée',
      done: 'Traitée',
    },
  },
};
