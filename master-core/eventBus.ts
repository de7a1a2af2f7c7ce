import type { ConsoleEvent } from './protocol/api';

type Listener = (event: ConsoleEvent) => void;

/** In-process fan-out of console events; a throwing listener cannot break the others. */
export function createEventBus(onListenerError: (error: unknown) => void = () => undefined) {
  const listeners = new Set<Listener>();
  return {
    on(listener: Listener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event: ConsoleEvent): void {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
  };
}
export type EventBus = ReturnType<typeof createEventBus>;
