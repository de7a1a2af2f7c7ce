import type { ApiMethodName, ApiOutput, ApiParsedInput, WorkerRow } from '../../protocol/api';
import type { Repos } from '../../catalog/repos';
import type { EventBus } from '../../eventBus';

export interface HandlerContext {
  /** Who is calling, for created_by / deployed_by. */
  principal: string;
}

export interface HandlerDeps {
  version: string;
  dataDir: string;
  agentUrl: () => string;
  repos: Repos;
  bus: EventBus;
  listWorkers: () => Promise<WorkerRow[]>;
  onExecutionQueued: () => void;
}

export type Handler<M extends ApiMethodName> = (
  input: ApiParsedInput<M>,
  ctx: HandlerContext,
) => Promise<ApiOutput<M>>;
export type Handlers = { [M in ApiMethodName]: Handler<M> };
export type HandlerGroup<K extends ApiMethodName> = { [M in K]: Handler<M> };
