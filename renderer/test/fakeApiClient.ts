import { apiMethods } from '../../master-core/protocol/api';
import type {
  ApiInput,
  ApiMethodName,
  ApiOutput,
  ApiParsedInput,
  ConsoleEvent,
} from '../../master-core/protocol/api';
import type { ApiClient } from '../../master-core/protocol/apiClient';
import { ScaleOutError } from '../../master-core/protocol/errors';

/**
 * A fake of the console's typed API client for component tests. Each method answers from a
 * handler the test gives; inputs are checked against the real API schemas (a screen that sends a
 * wrong request fails its test) and outputs too (a test cannot feed a screen what the master
 * never sends). A method with no handler rejects like a master without that method would.
 */

export type FakeHandler<M extends ApiMethodName> = (
  input: ApiParsedInput<M>,
) => ApiOutput<M> | Promise<ApiOutput<M>>;
export type FakeHandlers = { [M in ApiMethodName]?: FakeHandler<M> };

export interface FakeCall {
  method: ApiMethodName;
  input: unknown;
}

export interface FakeApiClient extends ApiClient {
  /** Every call the screen made, in order, with its parsed input. */
  readonly calls: FakeCall[];
  callsOf<M extends ApiMethodName>(method: M): ApiParsedInput<M>[];
  /** Replace or add handlers while the screen is shown. */
  handle(handlers: FakeHandlers): void;
  /** Push a live event to every subscriber, as the master's event socket would. */
  emit(event: ConsoleEvent): void;
  setConnected(connected: boolean): void;
}

export function createFakeApiClient(initial: FakeHandlers = {}): FakeApiClient {
  const handlers: FakeHandlers = { ...initial };
  const calls: FakeCall[] = [];
  const subscribers = new Set<{ onEvent: (e: ConsoleEvent) => void; onStatus?: (c: boolean) => void }>();
  let connected = true;

  async function call<M extends ApiMethodName>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>> {
    const schema = apiMethods[method];
    const parsed = schema.input.safeParse(input ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ScaleOutError('BAD_REQUEST', `${method}: ${issue?.path.join('.') ?? ''}: ${issue?.message}`);
    }
    calls.push({ method, input: parsed.data });
    const handler = handlers[method] as FakeHandler<M> | undefined;
    if (!handler) throw new ScaleOutError('NOT_FOUND', `fake client: no handler for ${method}`);
    const output = await handler(parsed.data as ApiParsedInput<M>);
    const checked = schema.output.safeParse(output);
    if (!checked.success) {
      throw new Error(
        `fake client: the test's answer to ${method} is not what the master sends: ${checked.error.message}`,
      );
    }
    return checked.data as ApiOutput<M>;
  }

  return {
    call,
    calls,
    callsOf<M extends ApiMethodName>(method: M) {
      return calls.filter((c) => c.method === method).map((c) => c.input as ApiParsedInput<M>);
    },
    subscribe(onEvent, onStatus) {
      const subscriber = { onEvent, onStatus };
      subscribers.add(subscriber);
      queueMicrotask(() => onStatus?.(connected));
      return () => void subscribers.delete(subscriber);
    },
    handle(next) {
      Object.assign(handlers, next);
    },
    emit(event) {
      for (const s of [...subscribers]) s.onEvent(event);
    },
    setConnected(next) {
      connected = next;
      for (const s of [...subscribers]) s.onStatus?.(next);
    },
  };
}
