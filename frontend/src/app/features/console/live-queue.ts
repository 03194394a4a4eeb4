import type { Conversation, ConversationStatus } from '../../core/api/models';

/** A conversation's statuses only move forward: a change never goes back to an earlier one. */
const RANK: Readonly<Record<ConversationStatus, number>> = { open: 0, assigned: 1, closed: 2 };

/**
 * The queue as the page shows it: the loaded page of `status` with the `conversation.updated`
 * frames received since it was asked for (`changes`, in the order they arrived). As the server
 * lists by last update, a change goes on top when it has the filter's status and leaves the list
 * otherwise; a change older than what the list already has (a status further on) is ignored.
 */
export function liveQueue(
  items: readonly Conversation[],
  changes: ReadonlyMap<string, Conversation>,
  status: ConversationStatus,
): Conversation[] {
  const listed = new Map(items.map((c) => [c.id, c]));
  const newer = [...changes.values()].filter((change) => {
    const known = listed.get(change.id);
    return !known || RANK[change.status] >= RANK[known.status];
  });
  const moved = new Set(newer.map((c) => c.id));
  const top = newer.filter((c) => c.status === status).reverse();
  return [...top, ...items.filter((c) => !moved.has(c.id))];
}
