import type { ConversationStatus } from '../../core/api/models';
import type { TranslationKey } from '../../core/i18n/i18n';

export function conversationStatusKey(status: ConversationStatus): TranslationKey {
  return `chat.status.${status}` as TranslationKey;
}

/** A moment in the reader's own clock (chat times are the reader's, not an agency's): "1 Dec, 14:05". */
export function formatWhen(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

/**
 * The badge of a conversation's status: support sees the ones waiting for them (`open`) apart;
 * for the customer an open conversation is simply going on.
 */
export function conversationBadge(status: ConversationStatus, reader: 'staff' | 'customer'): string {
  const tone = status === 'closed' ? 'off' : status === 'open' && reader === 'staff' ? 'wait' : 'ok';
  return `status-badge status-badge--${tone}`;
}

/** The layout of a conversation page, the customer's (`ChatPage`) and support's (`ConsoleConversation`): the chat beside the call. */
export const CONVERSATION_PAGE_STYLES = `
  .conv { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1.5rem; align-items: start; }
  .conv__head { display: flex; justify-content: space-between; gap: 1rem; align-items: flex-start; flex-wrap: wrap; }
  .conv__head h1 { margin: 0.25rem 0; }
  @media (max-width: 900px) { .conv { grid-template-columns: 1fr; } }
`;
