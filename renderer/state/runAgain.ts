import type {
  ApiInput,
  ExecutionParameterRow,
  ExecutionRow,
  ReferenceInfo,
} from '../../master-core/protocol/api';
import type { ParameterValue } from '../../master-core/protocol/packageFormat';

/**
 * "Run again": a new execution of the same package with what was set for this one at execution
 * (parameter values whose source is "execution", retry count, priority, logging level, timeout,
 * targeting, environment reference). Values from server configuration, an environment or the
 * design defaults are resolved again by the master, as for any new execution.
 */

export type RunAgainInput = ApiInput<'execution.create'>;

/** "$Project::Name" / "$Package::Name": the key execution.create takes. */
export function parameterReference(p: Pick<ExecutionParameterRow, 'objectType' | 'name'>): string {
  return `$${p.objectType === 20 ? 'Project' : 'Package'}::${p.name}`;
}

/** Parameters set at execution (project and package ones; system ones are not parameters one sets). */
export function executionSetParameters(
  parameters: readonly ExecutionParameterRow[],
): ExecutionParameterRow[] {
  return parameters.filter((p) => p.source === 'execution' && p.objectType !== 50);
}

/** Sensitive values set at execution are never returned, so they cannot be repeated: they are asked for. */
export function sensitiveToReenter(parameters: readonly ExecutionParameterRow[]): ExecutionParameterRow[] {
  return executionSetParameters(parameters).filter((p) => p.sensitive);
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** A typed-in value as the parameter's data type, or an error naming the parameter. */
export function parseTypedValue(
  reference: string,
  dataType: string,
  raw: string,
): { value: ParameterValue } | { error: string } {
  const text = raw.trim();
  const fail = (why: string) => ({ error: `${reference}: ${why}` });
  if (raw === '') return fail('enter the value again (it is sensitive, so it was not kept)');
  switch (dataType) {
    case 'Boolean':
      if (/^(true|1|yes)$/i.test(text)) return { value: true };
      if (/^(false|0|no)$/i.test(text)) return { value: false };
      return fail('expected true or false');
    case 'Int32':
    case 'Int64': {
      if (!/^-?\d+$/.test(text)) return fail(`expected a whole number (${dataType})`);
      const n = Number(text);
      if (dataType === 'Int32' && (n < INT32_MIN || n > INT32_MAX)) return fail('out of range for Int32');
      if (!Number.isSafeInteger(n)) return fail('out of range');
      return { value: n };
    }
    case 'Double':
    case 'Decimal': {
      const n = Number(text);
      if (text === '' || !Number.isFinite(n)) return fail(`expected a number (${dataType})`);
      return { value: n };
    }
    case 'DateTime':
      if (Number.isNaN(new Date(text).getTime())) return fail('expected a date and time');
      return { value: text };
    default:
      return { value: raw };
  }
}

/**
 * Which environment reference to run with: the project's reference to the environment this
 * execution used (one in the project's own folder first). Null when the execution used none;
 * an error when the project no longer references that environment.
 */
export function matchReference(
  execution: Pick<ExecutionRow, 'environmentName' | 'folderName' | 'projectName'>,
  references: readonly ReferenceInfo[],
): { referenceId: number | null } | { error: string } {
  if (execution.environmentName === null) return { referenceId: null };
  const matches = references.filter((r) => r.environmentName === execution.environmentName);
  if (matches.length === 0)
    return {
      error: `${execution.folderName}\\${execution.projectName} no longer references the environment ${execution.environmentName}`,
    };
  const own = matches.find((r) => r.environmentFolderName === execution.folderName) ?? matches[0]!;
  return { referenceId: own.referenceId };
}

export type RunAgainResult =
  { ok: true; input: RunAgainInput } | { ok: false; errors: Record<string, string> };

/**
 * The execution.create input. `reentered` holds what the user typed for each sensitive value
 * (keyed by reference); every one of them must be given again.
 */
export function runAgainRequest(
  execution: ExecutionRow,
  parameters: readonly ExecutionParameterRow[],
  reentered: Readonly<Record<string, string>>,
  referenceId: number | null,
): RunAgainResult {
  const errors: Record<string, string> = {};
  const values: Record<string, ParameterValue> = {};
  for (const p of executionSetParameters(parameters)) {
    const reference = parameterReference(p);
    if (p.sensitive) {
      const parsed = parseTypedValue(reference, p.dataType, reentered[reference] ?? '');
      if ('error' in parsed) errors[reference] = parsed.error;
      else values[reference] = parsed.value;
    } else if (p.value !== null) {
      values[reference] = p.value;
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const input: RunAgainInput = {
    folderName: execution.folderName,
    projectName: execution.projectName,
    packageName: execution.packageName,
    parameters: values,
    retryCount: execution.retryCount,
    priority: execution.priority,
    loggingLevel: execution.loggingLevel,
    timeoutMs: execution.timeoutMs,
    targeting: execution.targeting,
  };
  if (referenceId !== null) input.referenceId = referenceId;
  return { ok: true, input };
}

const LOGGING_LEVEL_NAMES: Readonly<Record<number, string>> = {
  0: 'None',
  1: 'Basic',
  2: 'Performance',
  3: 'Verbose',
  4: 'RuntimeLineage',
  100: 'Custom',
};

/** The options Run again repeats, in one line ("retry count 1, priority 5, logging Verbose, ..."). */
export function describeOptions(
  e: Pick<ExecutionRow, 'retryCount' | 'priority' | 'loggingLevel' | 'timeoutMs' | 'targeting'>,
): string {
  const target =
    e.targeting.kind === 'any'
      ? 'any worker'
      : e.targeting.kind === 'workers'
        ? `workers ${e.targeting.names.join(', ')}`
        : `workers tagged ${e.targeting.tags.join(', ')}`;
  const timeout = e.timeoutMs === null ? 'no timeout' : `timeout ${Math.round(e.timeoutMs / 1000)} s`;
  const logging = LOGGING_LEVEL_NAMES[e.loggingLevel] ?? String(e.loggingLevel);
  return `Retry count ${e.retryCount}, priority ${e.priority}, logging level ${logging}, ${timeout}, on ${target}`;
}
