import type { MessageRow } from '../../master-core/protocol/api';

/**
 * Adds newly fetched messages to those shown, oldest first. Messages seen already (a fetch
 * overlapping a reconnect, say) are dropped by messageId.
 */
export function appendMessages(shown: readonly MessageRow[], fetched: readonly MessageRow[]): MessageRow[] {
  const seen = new Set(shown.map((m) => m.messageId));
  const fresh = fetched.filter((m) => !seen.has(m.messageId) && seen.add(m.messageId));
  if (fresh.length === 0) return shown as MessageRow[];
  return [...shown, ...fresh].sort((a, b) => a.messageId - b.messageId);
}

/** The afterMessageId for the next fetch: the highest id shown, 0 when none. */
export function lastMessageId(shown: readonly MessageRow[]): number {
  return shown.reduce((max, m) => Math.max(max, m.messageId), 0);
}
