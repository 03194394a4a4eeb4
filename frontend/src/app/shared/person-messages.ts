import { en } from './person-messages.en';
import { fr } from './person-messages.fr';

/**
 * The texts of the personal-details, address and password-rules forms, shared by the register
 * page and the account area: both register them with their own (`provideAuthMessages`,
 * `provideAccountMessages`; registering twice is a no-op), so they stay out of the initial bundle.
 */
export const PERSON_FORM_MESSAGES = { en, fr } as const;
