import { EnvironmentProviders, makeEnvironmentProviders } from '@angular/core';

import { provideFeatureMessages } from '../../core/i18n/i18n';
import { PERSON_FORM_MESSAGES } from '../../shared/person-messages';
import { en } from './messages.en';
import { fr } from './messages.fr';

/** The texts of the lazy auth pages (register, verify email, forgotten and new password, staff invitation). */
export const AUTH_MESSAGES = { en, fr } as const;

/** On the routes of those pages: their texts, and those of the shared personal-details and password forms, come with their chunk. */
export function provideAuthMessages(): EnvironmentProviders {
  return makeEnvironmentProviders([provideFeatureMessages(AUTH_MESSAGES), provideFeatureMessages(PERSON_FORM_MESSAGES)]);
}
