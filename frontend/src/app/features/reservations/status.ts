import type { ReservationStatus } from '../../core/api/models';
import type { TranslationKey } from '../../core/i18n/i18n';

export function statusKey(status: ReservationStatus): TranslationKey {
  return `reservations.status.${status}` as TranslationKey;
}

/** The badge's tone: green when the car is the customer's, amber while it waits, grey when over. */
export function statusTone(status: ReservationStatus): 'ok' | 'wait' | 'off' {
  switch (status) {
    case 'confirmed':
    case 'picked_up':
      return 'ok';
    case 'pending_payment':
      return 'wait';
    default:
      return 'off';
  }
}
