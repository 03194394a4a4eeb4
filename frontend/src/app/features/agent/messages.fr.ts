import type { AgentMessages } from './messages.en';

/** French texts of the agents' desk (the same keys as `messages.en.ts`). */
export const fr: AgentMessages = {
  agent: {
    eyebrow: 'Comptoir de l’agence',
    noAgency: 'Votre compte n’est rattaché à aucune agence. Demandez à notre équipe d’exploitation de le rattacher.',
    day: {
      title: 'Comptoir de l’agence : la journée',
      heading: 'Départs et retours · {agency}',
      date: 'Jour (heure de l’agence)',
      previous: 'Jour précédent',
      today: 'Aujourd’hui',
      next: 'Jour suivant',
      none: 'Aucun départ ni retour ce jour-là.',
      pickup: 'Départ',
      return: 'Retour',
      returnTo: 'Retour : {agency}, {when}',
      pickedAt: 'Départ : {agency}, {when}',
    },
    actions: { pickup: 'Remettre la voiture', return: 'Reprendre la voiture', noShow: 'Constater l’absence' },
    done: {
      pickup: 'Voiture remise pour {reference}.',
      return: 'Voiture reprise pour {reference}.',
      noShow: 'Absence constatée pour {reference}.',
    },
  },
};
