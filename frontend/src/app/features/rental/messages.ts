import { EnvironmentProviders } from '@angular/core';

import { provideFeatureMessages } from '../../core/i18n/i18n';
import { en } from './messages.en';
import { fr } from './messages.fr';

/** The texts of the rental screens (offers, booking, reservations), in both languages. */
export const RENTAL_MESSAGES = { en, fr } as const;

/** On the routes of the offers, booking and reservations features: their texts come with their chunk. */
export function provideRentalMessages(): EnvironmentProviders {
  return provideFeatureMessages(RENTAL_MESSAGES);
}
