import { hostname } from 'node:os';
import type { ApiMethodName, ApiOutput, ApiParsedInput, WorkerRow } from '../protocol/api';
import { PROTOCOL_VERSION } from '../protocol/wire';
import type { ProjectsRepo } from '../catalog/projectsRepo';
import type { ExecutionsRepo } from '../catalog/executionsRepo';
import type { MessagesRepo } from '../catalog/messagesRepo';
import type { EventBus } from '../eventBus';
import { resolveParameters } from '../execution/resolveParameters';

export interface HandlerContext {
  /** Who is calling, for created_by / deployed_by. */
  principal: string;
}

export interface HandlerDeps {
  version: string;
  dataDir: string;
  agentUrl: () => string;
  projects: ProjectsRepo;
  executions: ExecutionsRepo;
  messages: MessagesRepo;
  bus: EventBus;
  listWorkers: () => Promise<WorkerRow[]>;
  onExecutionQueued: () => void;
}

export type Handlers = {
  [M in ApiMethodName]: (input: ApiParsedInput<M>, ctx: HandlerContext) => Promise<ApiOutput<M>>;
};

export function createHandlers(deps: HandlerDeps): Handlers {
  return {
    'master.info': async () => ({
      version: deps.version,
      protocolVersion: PROTOCOL_VERSION,
      agentUrl: deps.agentUrl(),
      dataDir: deps.dataDir,
    }),
    'catalog.tree': async () => ({ folders: await deps.projects.tree() }),
    'folder.create': async (input) => {
      const created = await deps.projects.createFolder(input.name, input.description);
      if (created) deps.bus.emit({ type: 'catalog:changed' });
      return { created };
    },
    'project.deploy': async (input, ctx) => {
      const result = await deps.projects.deploy(input.folderName, input.bundle, ctx.principal);
      if (!result.unchanged) deps.bus.emit({ type: 'catalog:changed' });
      return result;
    },
    'execution.create': async (input, ctx) => {
      const found = await deps.projects.findPackage(input.folderName, input.projectName, input.packageName);
      const parameters = resolveParameters(
        [
          { scope: 'Project', parameters: found.project.parameters },
          { scope: 'Package', parameters: found.package.parameters },
        ],
        input.parameters,
      );
      const execution = await deps.executions.create({
        folderName: found.folderName,
        projectName: found.projectName,
        packageName: found.packageName,
        versionId: found.versionId,
        createdBy: ctx.principal,
        retryCount: input.retryCount,
        priority: input.priority,
        loggingLevel: input.loggingLevel,
        timeoutMs: input.timeoutMs,
        targeting: input.targeting,
        parameters,
      });
      deps.bus.emit({ type: 'execution:changed', execution });
      deps.onExecutionQueued();
      return { executionId: execution.executionId };
    },
    'execution.list': async (input) => ({
      executions: await deps.executions.list(input.limit, input.beforeId),
    }),
    'execution.get': async (input) => ({ execution: await deps.executions.get(input.executionId) }),
    'execution.messages': async (input) => ({
      messages: await deps.messages.list(input.executionId, input.afterMessageId, input.limit),
    }),
    'worker.list': async () => ({ workers: await deps.listWorkers() }),
  };
}

export const principalOf = (kind: string) => `${kind}@${hostname()}`;
