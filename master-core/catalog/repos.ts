import type { Db } from './db';
import type { SecretBox } from '../secretBox';
import { createProjectsRepo } from './projectsRepo';
import { createVersionsRepo } from './versionsRepo';
import { createEnvironmentsRepo } from './environmentsRepo';
import { createParameterValuesRepo } from './parameterValuesRepo';
import { createExecutionsRepo } from './executionsRepo';
import { createExecutionQueriesRepo } from './executionQueriesRepo';
import { createExecutionControlRepo } from './executionControlRepo';
import { createMessagesRepo } from './messagesRepo';
import { createWorkersRepo } from './workersRepo';
import { createPropertiesRepo } from './propertiesRepo';
import { createEnrolmentRepo } from './enrolmentRepo';
import { createSecurityRepo } from './securityRepo';

/** Every repository of the catalog over one connection. */
export function createRepos(
  db: Db,
  box: SecretBox,
  options: { onHeartbeatWriteError?: (error: unknown) => void } = {},
) {
  return {
    db,
    projects: createProjectsRepo(db),
    versions: createVersionsRepo(db),
    environments: createEnvironmentsRepo(db, box),
    parameterValues: createParameterValuesRepo(db, box),
    executions: createExecutionsRepo(db, box),
    executionQueries: createExecutionQueriesRepo(db, box),
    executionControl: createExecutionControlRepo(db),
    messages: createMessagesRepo(db),
    workers: createWorkersRepo(db, {
      heartbeats: options.onHeartbeatWriteError ? { onError: options.onHeartbeatWriteError } : {},
    }),
    properties: createPropertiesRepo(db),
    enrolment: createEnrolmentRepo(db),
    security: createSecurityRepo(db),
  };
}

export type Repos = ReturnType<typeof createRepos>;
