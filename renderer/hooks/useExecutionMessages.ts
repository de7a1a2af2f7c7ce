import { useCallback, useEffect, useRef, useState } from 'react';
import type { MessageRow } from '../../master-core/protocol/api';
import { coerceError } from '../../master-core/protocol/errors';
import { appendMessages, lastMessageId } from '../state/messagesStore';
import { useApi, useConsoleEvents } from './useApi';

const PAGE_SIZE = 1000;

/**
 * An execution's messages, following message:added events: each fetch asks only for messages
 * after the last one seen. Fetches never overlap; an event during a fetch causes one more.
 */
export function useExecutionMessages(executionId: number): { messages: MessageRow[]; error: string | null } {
  const client = useApi();
  const [messages, setMessages] = useState<MessageRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  const lastId = useRef(0);
  const fetching = useRef(false);
  const fetchAgain = useRef(false);
  const disposed = useRef(false);

  const fetchNew = useCallback(async () => {
    if (fetching.current) {
      fetchAgain.current = true;
      return;
    }
    fetching.current = true;
    try {
      do {
        fetchAgain.current = false;
        let batch: MessageRow[];
        do {
          batch = (
            await client.call('execution.messages', {
              executionId,
              afterMessageId: lastId.current,
              limit: PAGE_SIZE,
            })
          ).messages;
          if (disposed.current) return;
          lastId.current = Math.max(lastId.current, lastMessageId(batch));
          if (batch.length > 0) setMessages((shown) => appendMessages(shown, batch));
        } while (batch.length === PAGE_SIZE);
      } while (fetchAgain.current);
      setError(null);
    } catch (e) {
      if (!disposed.current) setError(coerceError(e).message);
    } finally {
      fetching.current = false;
    }
  }, [client, executionId]);

  useEffect(() => {
    disposed.current = false;
    void fetchNew();
    return () => {
      disposed.current = true;
    };
  }, [fetchNew]);

  useConsoleEvents((message) => {
    const concernsUs =
      (message.kind === 'status' && message.connected) ||
      (message.kind === 'event' &&
        message.event.type === 'message:added' &&
        message.event.executionId === executionId) ||
      // The master writes its own messages (queued, assigned, retried, stopped) with each status change.
      (message.kind === 'event' &&
        message.event.type === 'execution:changed' &&
        message.event.execution.executionId === executionId);
    if (concernsUs) void fetchNew();
  });

  return { messages, error };
}
