import { EnvironmentProviders, makeEnvironmentProviders } from '@angular/core';

import { provideFeatureMessages } from '../../core/i18n/i18n';
import { PERSON_FORM_MESSAGES } from '../../shared/person-messages';
import { en } from './messages.en';
import { fr } from './messages.fr';

/** The texts of the account area (profile, password, my data). */
export const ACCOUNT_MESSAGES = { en, fr } as const;

/** On the account routes: their texts, and those of the shared personal-details and password forms, come with their chunk. */
export function provideAccountMessages(): EnvironmentProviders {
  return makeEnvironmentProviders([provideFeatureMessages(ACCOUNT_MESSAGES), provideFeatureMessages(PERSON_FORM_MESSAGES)]);
}
