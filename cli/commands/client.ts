import { resolve } from 'node:path';
import { loadProjectDir } from '../../master-core/deploy/loadProjectDir';
import {
  ExecutionStatus,
  executionStatusNames,
  messageTypeNames,
  terminalStatuses,
} from '../../master-core/protocol/codes';
import { ScaleOutError } from '../../master-core/protocol/errors';
import type { ApiClient } from '../../master-core/protocol/apiClient';
import type { ParameterValue } from '../../master-core/protocol/packageFormat';
import type { Targeting } from '../../master-core/protocol/api';
import { executionsTable, messageLine, statusName, workersTable } from './format';

const out = (text: string) => process.stdout.write(text);

export async function deploy(client: ApiClient, projectDir: string, folderName: string): Promise<void> {
  const bundle = loadProjectDir(resolve(projectDir));
  const result = await client.call('project.deploy', { folderName, bundle });
  out(
    result.unchanged
      ? `${folderName}/${bundle.project.name} is unchanged (version ${result.versionId})\n`
      : `deployed ${folderName}/${bundle.project.name} as version ${result.versionId} (${result.packageCount} packages)\n`,
  );
}

/** Parses "<folder>/<project>/<package>". */
export function parsePackagePath(path: string): {
  folderName: string;
  projectName: string;
  packageName: string;
} {
  const parts = path.split('/');
  if (parts.length !== 3 || parts.some((p) => p.trim() === '')) {
    throw new ScaleOutError(
      'VALIDATION_FAILED',
      `package path must be <folder>/<project>/<package> (got "${path}")`,
      {
        field: 'package',
      },
    );
  }
  return {
    folderName: parts[0]!,
    projectName: parts[1]!,
    packageName: parts[2]!.replace(/\.package\.json$/, ''),
  };
}

/** Parses repeated --param NAME=VALUE flags. */
export function parseParams(pairs: readonly string[]): Record<string, ParameterValue> {
  const params: Record<string, ParameterValue> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new ScaleOutError('VALIDATION_FAILED', `--param must be NAME=VALUE (got "${pair}")`, {
        field: 'param',
      });
    }
    params[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return params;
}

export interface RunFlags {
  params: string[];
  retries: number;
  priority: number;
  loggingLevel?: number;
  environment?: string;
  maxQueueWaitSeconds?: number;
  timeoutSeconds?: number;
  workers: string[];
  tags: string[];
  wait: boolean;
}

/** Creates and starts an execution; with --wait, streams its messages and returns its exit code. */
export async function run(client: ApiClient, packagePath: string, flags: RunFlags): Promise<number> {
  const targeting: Targeting =
    flags.workers.length > 0
      ? { kind: 'workers', names: flags.workers }
      : flags.tags.length > 0
        ? { kind: 'tags', tags: flags.tags }
        : { kind: 'any' };
  const target = parsePackagePath(packagePath);
  const referenceId = flags.environment ? await findReference(client, target, flags.environment) : undefined;
  const { executionId } = await client.call('execution.create', {
    ...target,
    ...(referenceId ? { referenceId } : {}),
    parameters: parseParams(flags.params),
    retryCount: flags.retries,
    priority: flags.priority,
    ...(flags.loggingLevel === undefined ? {} : { loggingLevel: flags.loggingLevel }),
    timeoutMs: flags.timeoutSeconds ? flags.timeoutSeconds * 1000 : null,
    maxQueueWaitMs: flags.maxQueueWaitSeconds ? flags.maxQueueWaitSeconds * 1000 : null,
    targeting,
  });
  out(`execution ${executionId} created\n`);
  if (!flags.wait) return 0;
  const status = await follow(client, executionId);
  out(`execution ${executionId} ${statusName(status)}\n`);
  return status === ExecutionStatus.succeeded ? 0 : 1;
}

/** Prints every message after the given id, page by page; returns the last id printed. */
async function printMessagesAfter(
  client: ApiClient,
  executionId: number,
  afterMessageId: number,
  messageTypes?: number[],
): Promise<number> {
  let after = afterMessageId;
  for (;;) {
    const { messages } = await client.call('execution.messages', {
      executionId,
      afterMessageId: after,
      limit: 1000,
      ...(messageTypes?.length ? { messageTypes } : {}),
    });
    for (const m of messages) out(messageLine(m));
    if (messages.length > 0) after = messages[messages.length - 1]!.messageId;
    if (messages.length < 1000) return after;
  }
}

/** Prints an execution's messages as they arrive until it reaches a terminal status. */
export function follow(client: ApiClient, executionId: number): Promise<number> {
  return new Promise((resolveStatus, reject) => {
    let lastMessageId = 0;
    let busy: Promise<void> = Promise.resolve();
    const catchUp = () => {
      busy = busy.then(async () => {
        lastMessageId = await printMessagesAfter(client, executionId, lastMessageId);
        const { execution } = await client.call('execution.get', { executionId });
        if (terminalStatuses.has(execution.status)) {
          // Messages stored between the two calls above.
          lastMessageId = await printMessagesAfter(client, executionId, lastMessageId);
          unsubscribe();
          resolveStatus(execution.status);
        }
      });
      busy.catch((error: unknown) => {
        unsubscribe();
        reject(error);
      });
    };
    const unsubscribe = client.subscribe(
      (event) => {
        if (
          (event.type === 'message:added' && event.executionId === executionId) ||
          (event.type === 'execution:changed' && event.execution.executionId === executionId)
        ) {
          catchUp();
        }
      },
      (connected) => {
        if (connected) catchUp();
      },
    );
  });
}

/** The project's reference to an environment given as <name> (own folder) or <folder>/<name>. */
async function findReference(
  client: ApiClient,
  target: { folderName: string; projectName: string },
  environment: string,
): Promise<number> {
  const [folder, name] = environment.includes('/')
    ? environment.split('/', 2)
    : [target.folderName, environment];
  const { references } = await client.call('project.references', {
    folderName: target.folderName,
    projectName: target.projectName,
  });
  const match = references.find(
    (r) =>
      r.environmentFolderName.toLowerCase() === folder!.toLowerCase() &&
      r.environmentName.toLowerCase() === name!.toLowerCase(),
  );
  if (!match) {
    const known =
      references.map((r) => `${r.environmentFolderName}/${r.environmentName}`).join(', ') || 'none';
    throw new ScaleOutError(
      'NOT_FOUND',
      `project ${target.folderName}/${target.projectName} has no reference to environment ${folder}/${name} (references: ${known})`,
      { field: 'environment' },
    );
  }
  return match.referenceId;
}

/** Status names (any case, spaces optional) or codes to SSIS status codes. */
export function parseStatuses(values: readonly string[]): number[] {
  const byName = new Map(
    Object.entries(executionStatusNames).map(([code, name]) => [
      name.toLowerCase().replace(/\s+/g, ''),
      Number(code),
    ]),
  );
  return values.map((v) => {
    const code = /^\d$/.test(v) ? Number(v) : byName.get(v.toLowerCase().replace(/[\s_-]+/g, ''));
    if (!code || !(code in executionStatusNames)) {
      throw new ScaleOutError(
        'VALIDATION_FAILED',
        `--status: unknown status "${v}"; use ${[...byName.keys()].join(', ')} or 1-9`,
        {
          field: 'status',
        },
      );
    }
    return code;
  });
}

export async function listExecutions(
  client: ApiClient,
  flags: {
    limit: number;
    before?: number;
    folder?: string;
    project?: string;
    package?: string;
    status: string[];
    since?: string;
  },
): Promise<void> {
  if (flags.since !== undefined && Number.isNaN(Date.parse(flags.since))) {
    throw new ScaleOutError('VALIDATION_FAILED', `--since must be an ISO 8601 time (got "${flags.since}")`, {
      field: 'since',
    });
  }
  const { executions, total } = await client.call('execution.list', {
    limit: flags.limit,
    ...(flags.before ? { beforeId: flags.before } : {}),
    ...(flags.folder ? { folderName: flags.folder } : {}),
    ...(flags.project ? { projectName: flags.project } : {}),
    ...(flags.package ? { packageName: flags.package } : {}),
    ...(flags.status.length ? { statuses: parseStatuses(flags.status) } : {}),
    ...(flags.since ? { createdAfter: new Date(flags.since).toISOString() } : {}),
  });
  out(executionsTable(executions));
  out(`${executions.length} of ${total} shown\n`);
}

/** Message type names (as printed by logs) or codes to SSIS message_type codes. */
export function parseMessageTypes(values: readonly string[]): number[] {
  const byName = new Map(
    Object.entries(messageTypeNames).map(([code, name]) => [name.toLowerCase(), Number(code)]),
  );
  return values.map((v) => {
    const code = /^-?\d+$/.test(v) ? Number(v) : byName.get(v.toLowerCase());
    if (code === undefined || !(code in messageTypeNames)) {
      throw new ScaleOutError(
        'VALIDATION_FAILED',
        `--type: unknown message type "${v}"; use ${[...byName.keys()].join(', ')}`,
        {
          field: 'type',
        },
      );
    }
    return code;
  });
}

export async function logs(
  client: ApiClient,
  executionId: number,
  followFlag: boolean,
  types: string[] = [],
): Promise<void> {
  if (followFlag) {
    await follow(client, executionId);
    return;
  }
  const last = await printMessagesAfter(client, executionId, 0, parseMessageTypes(types));
  // No messages at all: make sure the execution exists, so a wrong id is an error, not silence.
  if (last === 0) await client.call('execution.get', { executionId });
}

export async function listWorkers(client: ApiClient): Promise<void> {
  const { workers } = await client.call('worker.list', {});
  out(workersTable(workers));
}
