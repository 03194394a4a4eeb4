import type { PersonFormMessages } from './person-messages.en';

/** French texts of the shared personal-details and password forms (the same keys as `person-messages.en.ts`). */
export const fr: PersonFormMessages = {
  personForm: {
    driver: 'Conducteur',
    address: 'Adresse du domicile',
  },
  hints: {
    birthDate: 'Il faut avoir au moins 18 ans pour louer une voiture.',
    phone: 'Format international, par ex. +33 6 12 34 56 78.',
    email: 'Nous enverrons un lien à cette adresse pour la confirmer.',
    postalCode: 'Tel qu’il s’écrit dans votre pays.',
    postalCodeExample: 'Par exemple {example}.',
    emailLanguage: 'Les confirmations et rappels sont envoyés dans cette langue.',
  },
  passwordRules: {
    title: 'Votre mot de passe doit :',
    length: 'comporter au moins 12 caractères',
    email: 'ne pas contenir votre adresse e-mail',
    common: 'ne pas être un mot de passe courant (vérifié à l’envoi)',
    met: '(respecté)',
    notMet: '(pas encore)',
  },
};
