import type { ConversationStatus } from '../../core/api/models';
import type { TranslationKey } from '../../core/i18n/i18n';

export function conversationStatusKey(status: ConversationStatus): TranslationKey {
  return `chat.status.${status}` as TranslationKey;
}

/** A moment in the reader's own clock (chat times are the reader's, not an agency's): "1 Dec, 14:05". */
export function formatWhen(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}
