/** Which of an execution's messages the Messages page shows: by kind, and by text. */
import type { MessageRow } from '../../master-core/protocol/api';
import { MessageType } from '../../master-core/protocol/codes';

export const MESSAGE_KINDS = {
  all: { label: 'All messages', types: null },
  problems: {
    label: 'Errors and warnings',
    types: new Set<number>([MessageType.error, MessageType.taskFailed, MessageType.warning]),
  },
  errors: { label: 'Errors', types: new Set<number>([MessageType.error, MessageType.taskFailed]) },
  information: { label: 'Information', types: new Set<number>([MessageType.information]) },
  lifecycle: {
    label: 'Start and end of tasks',
    types: new Set<number>([MessageType.preExecute, MessageType.postExecute]),
  },
  progress: { label: 'Progress', types: new Set<number>([MessageType.progress]) },
} as const;
export type MessageKind = keyof typeof MESSAGE_KINDS;

/** Messages of the kind whose text, source or package path contains `search` (any case). */
export function filterMessages(
  messages: readonly MessageRow[],
  kind: MessageKind,
  search: string,
): MessageRow[] {
  const types = MESSAGE_KINDS[kind].types as ReadonlySet<number> | null;
  const needle = search.trim().toLowerCase();
  if (!types && !needle) return messages as MessageRow[];
  return messages.filter(
    (m) =>
      (!types || types.has(m.messageType)) &&
      (!needle ||
        m.message.toLowerCase().includes(needle) ||
        m.sourceName.toLowerCase().includes(needle) ||
        m.packagePath.toLowerCase().includes(needle)),
  );
}
