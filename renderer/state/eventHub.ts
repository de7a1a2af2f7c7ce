import type { ConsoleEvent } from '../../master-core/protocol/api';

/**
 * Fans the console's one event stream out to every view. A listener that throws is reported
 * and skipped; it cannot stop the others from hearing the event.
 */

export type HubMessage = { kind: 'event'; event: ConsoleEvent } | { kind: 'status'; connected: boolean };
export type HubListener = (message: HubMessage) => void;

export interface EventHub {
  emit(message: HubMessage): void;
  /** Returns the function that stops listening. */
  listen(listener: HubListener): () => void;
}

export function createEventHub(onListenerError: (error: unknown) => void = console.error): EventHub {
  const listeners = new Set<HubListener>();
  return {
    emit(message) {
      for (const listener of [...listeners]) {
        try {
          listener(message);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    listen(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
