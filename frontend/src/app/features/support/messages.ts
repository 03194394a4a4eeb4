import { EnvironmentProviders } from '@angular/core';

import { provideFeatureMessages } from '../../core/i18n/i18n';
import { en } from './messages.en';
import { fr } from './messages.fr';

/** The texts of support (contact form, chat, video call), shared by the customers' pages and the support console. */
export const SUPPORT_MESSAGES = { en, fr } as const;

export function provideSupportMessages(): EnvironmentProviders {
  return provideFeatureMessages(SUPPORT_MESSAGES);
}
