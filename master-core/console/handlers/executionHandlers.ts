import { resolveParameters } from '../../execution/resolveParameters';
import { readableFolders } from '../../security/permissions';
import type { HandlerDeps, HandlerGroup } from './context';
import { flagIfNeverRunnable } from './runtimeHandlers';

type ExecutionMethods =
  | 'execution.create'
  | 'execution.list'
  | 'execution.get'
  | 'execution.parameters'
  | 'execution.statistics'
  | 'execution.attempts'
  | 'execution.messages';

/** Creating executions and reading them back. */
export function executionHandlers(deps: HandlerDeps): HandlerGroup<ExecutionMethods> {
  const { repos, bus, onExecutionQueued } = deps;
  return {
    'execution.create': async (input, ctx) => {
      const found = await repos.projects.findPackage(input.folderName, input.projectName, input.packageName);
      const environment =
        input.referenceId === undefined
          ? null
          : await repos.environments.resolveReference(
              repos.db,
              found.projectId,
              found.folderName,
              input.referenceId,
            );
      const parameterValues = resolveParameters({
        scopes: [
          {
            scope: 'Project',
            parameters: found.project.parameters,
            connectionManagers: found.project.connectionManagers,
          },
          {
            scope: 'Package',
            parameters: found.package.parameters,
            connectionManagers: found.package.connectionManagers,
          },
        ],
        supplied: input.parameters,
        configured: await repos.parameterValues.configuredLookup(
          repos.db,
          found.projectId,
          found.projectName,
          found.package,
          found.project,
        ),
        environment,
      });
      const execution = await repos.executions.create({
        folderName: found.folderName,
        projectName: found.projectName,
        packageName: found.packageName,
        versionId: found.versionId,
        createdBy: ctx.principal,
        retryCount: input.retryCount,
        priority: input.priority,
        loggingLevel: input.loggingLevel ?? Number(await repos.properties.get('SERVER_LOGGING_LEVEL')),
        timeoutMs: input.timeoutMs,
        targeting: input.targeting,
        maxQueueWaitMs: input.maxQueueWaitMs,
        parameterValues,
        environment:
          environment && input.referenceId !== undefined
            ? { referenceId: input.referenceId, folderName: environment.folderName, name: environment.name }
            : null,
      });
      await flagIfNeverRunnable(deps, execution.executionId, execution.targeting);
      bus.emit({ type: 'execution:changed', execution });
      onExecutionQueued();
      return { executionId: execution.executionId };
    },
    'execution.list': async (input, ctx) =>
      repos.executionQueries.list({ ...input, onlyFolders: readableFolders(ctx.caller) }),
    'execution.get': async (input) => ({ execution: await repos.executionQueries.get(input.executionId) }),
    'execution.parameters': async (input) => ({
      parameters: await repos.executionQueries.parameters(input.executionId),
    }),
    'execution.statistics': async (input) => ({
      statistics: await repos.executionQueries.statistics(input.executionId),
      dataStatistics: await repos.executionQueries.dataStatistics(input.executionId),
    }),
    'execution.attempts': async (input) => ({
      attempts: await repos.executionQueries.attempts(input.executionId),
    }),
    'execution.messages': async (input) => {
      await repos.executionQueries.get(input.executionId);
      return {
        messages: await repos.messages.list(
          input.executionId,
          input.afterMessageId,
          input.limit,
          input.messageTypes,
        ),
      };
    },
  };
}
