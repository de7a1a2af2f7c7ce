import type { ApiInput, ParameterInfo, Targeting } from '../../master-core/protocol/api';
import type { ParameterValue } from '../../master-core/protocol/packageFormat';
import type { ExecuteTarget } from './executeTargets';

/** The Execute dialog's state as plain data, and the execution.create inputs built from it. */

export type MachineMode = 'any' | 'workers' | 'tags';
/** What an input holds: text for most types, a boolean for a checkbox. Absent or '' = default. */
export type ParameterInput = string | boolean;

export interface ExecuteFormState {
  /** target key -> parameter reference ("$Project::X") -> what the user entered */
  values: Record<string, Record<string, ParameterInput>>;
  retryCount: string;
  priority: string;
  loggingLevel: number;
  /** Empty means no timeout. */
  timeoutSeconds: string;
  machineMode: MachineMode;
  selectedWorkers: string[];
  tagsText: string;
}

export const LOGGING_LEVELS = [
  { value: 0, label: 'None' },
  { value: 1, label: 'Basic' },
  { value: 2, label: 'Performance' },
  { value: 3, label: 'Verbose' },
] as const;

export function initialExecuteForm(): ExecuteFormState {
  return {
    values: {},
    retryCount: '0',
    priority: '0',
    loggingLevel: 1,
    timeoutSeconds: '',
    machineMode: 'any',
    selectedWorkers: [],
    tagsText: '',
  };
}

/** Form error keys: one per parameter input, plus the shared fields below. */
export type FieldErrors = Record<string, string>;
export const parameterFieldKey = (targetKey: string, reference: string) => `param:${targetKey}:${reference}`;
export type SharedField = 'retryCount' | 'priority' | 'loggingLevel' | 'timeoutSeconds' | 'targeting';

export type ExecutionCreateInput = ApiInput<'execution.create'>;
export interface ExecutionRequest {
  targetKey: string;
  input: ExecutionCreateInput;
}
export type BuildResult = { ok: true; requests: ExecutionRequest[] } | { ok: false; errors: FieldErrors };

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Converts one input to the value to send; `value` undefined means "use the default". */
export function parseParameterInput(
  param: ParameterInfo,
  raw: ParameterInput | undefined,
): { value?: ParameterValue; error?: string } {
  const missing = raw === undefined || raw === '';
  if (missing) {
    return param.required && param.defaultValue === null ? { error: `${param.reference} is required` } : {};
  }
  if (typeof raw === 'boolean') return { value: raw };
  const text = raw.trim();
  const fail = (why: string) => ({ error: `${param.reference}: ${why}` });
  switch (param.dataType) {
    case 'String':
      return { value: raw };
    case 'Boolean':
      if (/^(true|1|yes)$/i.test(text)) return { value: true };
      if (/^(false|0|no)$/i.test(text)) return { value: false };
      return fail('expected true or false');
    case 'Int32':
    case 'Int64': {
      if (!/^-?\d+$/.test(text)) return fail(`expected a whole number (${param.dataType})`);
      const n = Number(text);
      if (param.dataType === 'Int32' && (n < INT32_MIN || n > INT32_MAX))
        return fail('out of the Int32 range');
      if (!Number.isSafeInteger(n)) return fail('out of the supported Int64 range');
      return { value: n };
    }
    case 'Double': {
      const n = Number(text);
      return text !== '' && Number.isFinite(n) ? { value: n } : fail('expected a number');
    }
    case 'Decimal':
      // Sent as text so no digits are lost on the way.
      return /^-?\d+(\.\d+)?$/.test(text) ? { value: text } : fail('expected a decimal number such as 12.50');
    case 'DateTime':
      return Number.isNaN(Date.parse(text))
        ? fail('expected a date/time such as 2026-01-31T08:00:00Z')
        : { value: text };
  }
}

function parseWholeNumber(text: string, min: number, max: number): number | null {
  const t = text.trim();
  if (!/^-?\d+$/.test(t)) return null;
  const n = Number(t);
  return n >= min && n <= max ? n : null;
}

/** Comma-separated tags, trimmed, empty ones and repeats (ignoring case) dropped. */
export function parseTags(text: string): string[] {
  const seen = new Set<string>();
  return text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '' && !seen.has(t.toLowerCase()) && seen.add(t.toLowerCase()));
}

export function buildTargeting(form: ExecuteFormState): { targeting: Targeting } | { error: string } {
  switch (form.machineMode) {
    case 'any':
      return { targeting: { kind: 'any' } };
    case 'workers': {
      const names = [...new Set(form.selectedWorkers)];
      return names.length > 0
        ? { targeting: { kind: 'workers', names } }
        : { error: 'Select at least one worker' };
    }
    case 'tags': {
      const tags = parseTags(form.tagsText);
      return tags.length > 0 ? { targeting: { kind: 'tags', tags } } : { error: 'Enter at least one tag' };
    }
  }
}

interface SharedOptions {
  retryCount: number;
  priority: number;
  loggingLevel: number;
  timeoutMs: number | null;
  targeting: Targeting;
}

function buildSharedOptions(form: ExecuteFormState, errors: FieldErrors): SharedOptions | null {
  const retryCount = parseWholeNumber(form.retryCount, 0, 100);
  if (retryCount === null) errors.retryCount = 'Retry count must be a whole number from 0 to 100';
  const priority = parseWholeNumber(form.priority, -1000, 1000);
  if (priority === null) errors.priority = 'Priority must be a whole number from -1000 to 1000';
  let timeoutMs: number | null = null;
  if (form.timeoutSeconds.trim() !== '') {
    const seconds = Number(form.timeoutSeconds.trim());
    timeoutMs = Math.round(seconds * 1000);
    if (!Number.isFinite(seconds) || timeoutMs <= 0)
      errors.timeoutSeconds = 'Timeout must be a positive number of seconds';
  }
  const targeting = buildTargeting(form);
  if ('error' in targeting) errors.targeting = targeting.error;
  if (retryCount === null || priority === null || 'error' in targeting || errors.timeoutSeconds) return null;
  return { retryCount, priority, loggingLevel: form.loggingLevel, timeoutMs, targeting: targeting.targeting };
}

/** One execution.create input per package, with only the parameters the user filled in. */
export function buildExecutionRequests(
  targets: readonly ExecuteTarget[],
  form: ExecuteFormState,
): BuildResult {
  const errors: FieldErrors = {};
  const shared = buildSharedOptions(form, errors);
  const requests: ExecutionRequest[] = targets.map((target) => {
    const entered = form.values[target.key] ?? {};
    const parameters: Record<string, ParameterValue> = {};
    for (const param of [...target.projectParameters, ...target.packageParameters]) {
      const { value, error } = parseParameterInput(param, entered[param.reference]);
      if (error) errors[parameterFieldKey(target.key, param.reference)] = error;
      else if (value !== undefined) parameters[param.reference] = value;
    }
    const input: ExecutionCreateInput = {
      folderName: target.folderName,
      projectName: target.projectName,
      packageName: target.packageName,
      parameters,
      ...(shared ?? {}),
    };
    return { targetKey: target.key, input };
  });
  if (!shared || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, requests };
}

const SHARED_FIELDS_BY_API_FIELD = new Map<string, SharedField>([
  ['retryCount', 'retryCount'],
  ['priority', 'priority'],
  ['loggingLevel', 'loggingLevel'],
  ['timeoutMs', 'timeoutSeconds'],
  ['targeting', 'targeting'],
]);

/**
 * The form field an API error names, so the message shows beside that input. The master names
 * parameters "parameters.$Package::X" (or the bare reference) and options by their input key.
 */
export function fieldKeyForApiError(target: ExecuteTarget, field: string | undefined): string | undefined {
  if (!field) return undefined;
  const sharedField = SHARED_FIELDS_BY_API_FIELD.get(field.split('.')[0] ?? field);
  if (sharedField) return sharedField;
  const key = field.startsWith('parameters.') ? field.slice('parameters.'.length) : field;
  const params = [...target.packageParameters, ...target.projectParameters];
  const match =
    params.find((p) => p.reference.toLowerCase() === key.toLowerCase()) ??
    params.find((p) => p.name.toLowerCase() === key.toLowerCase());
  return match ? parameterFieldKey(target.key, match.reference) : undefined;
}

/** The form with one parameter input set; `undefined` or '' goes back to the default. */
export function withParameterInput(
  form: ExecuteFormState,
  targetKey: string,
  reference: string,
  input: ParameterInput | undefined,
): ExecuteFormState {
  const forTarget = { ...form.values[targetKey] };
  if (input === undefined || input === '') delete forTarget[reference];
  else forTarget[reference] = input;
  return { ...form, values: { ...form.values, [targetKey]: forTarget } };
}
