import type { ApiInput, ParameterInfo, Targeting } from '../../master-core/protocol/api';
import {
  findConnectionProperty,
  isSensitiveOverride,
  parseOverrideKey,
} from '../../master-core/protocol/connectionOverrides';
import type { ConnectionPropertyInfo } from '../../master-core/protocol/connectionOverrides';
import type { ParameterValue } from '../../master-core/protocol/packageFormat';
import { connectionManagersOf } from './executeTargets';
import type { ExecuteTarget, TargetConnectionManager } from './executeTargets';

/** The Execute dialog's state as plain data, and the execution.create inputs built from it. */

export type MachineMode = 'any' | 'workers' | 'tags';
/** What an input holds: text for most types, a boolean for a checkbox. Absent or '' = default. */
export type ParameterInput = string | boolean;

/** What one package runs with: its Parameters, Connection Managers and Advanced pages. */
export interface PackageOptions {
  /** parameter reference ("$Project::X") -> what the user entered */
  values: Record<string, ParameterInput>;
  /** "CM.<Manager>.<Property>" -> the overriding value as text */
  connections: Record<string, string>;
  /** The environment reference to run with; null for none. */
  referenceId: number | null;
  retryCount: string;
  priority: string;
  loggingLevel: number;
  /** Empty means no timeout. */
  timeoutSeconds: string;
  /** Empty means wait as long as it takes. */
  maxQueueWaitSeconds: string;
}

export interface ExecuteFormState {
  /** target key -> its options; a package not in here runs with the defaults */
  packages: Record<string, PackageOptions>;
  machineMode: MachineMode;
  selectedWorkers: string[];
  tags: string[];
}

export const LOGGING_LEVELS = [
  { value: 0, label: 'None' },
  { value: 1, label: 'Basic' },
  { value: 2, label: 'Performance' },
  { value: 3, label: 'Verbose' },
] as const;

export function defaultPackageOptions(): PackageOptions {
  return {
    values: {},
    connections: {},
    referenceId: null,
    retryCount: '0',
    priority: '0',
    loggingLevel: 1,
    timeoutSeconds: '',
    maxQueueWaitSeconds: '',
  };
}

export function initialExecuteForm(): ExecuteFormState {
  return { packages: {}, machineMode: 'any', selectedWorkers: [], tags: [] };
}

export const packageOptions = (form: ExecuteFormState, targetKey: string): PackageOptions =>
  form.packages[targetKey] ?? defaultPackageOptions();

/** Form error keys: one per input of a package, plus "targeting". */
export type FieldErrors = Record<string, string>;
export const parameterFieldKey = (targetKey: string, reference: string) => `param:${targetKey}:${reference}`;
export const connectionFieldKey = (targetKey: string, overrideKey: string) =>
  `cm:${targetKey}:${overrideKey}`;
export type AdvancedField =
  'retryCount' | 'priority' | 'loggingLevel' | 'timeoutSeconds' | 'maxQueueWaitSeconds';
export const advancedFieldKey = (targetKey: string, field: AdvancedField | 'referenceId') =>
  `adv:${targetKey}:${field}`;
/** Which page of a package an error key belongs to. */
export function pageOfFieldKey(key: string): 'parameters' | 'connections' | 'advanced' | null {
  if (key.startsWith('param:')) return 'parameters';
  if (key.startsWith('cm:')) return 'connections';
  if (key.startsWith('adv:')) return 'advanced';
  return null;
}
export const errorsOfTarget = (errors: FieldErrors, targetKey: string) =>
  Object.keys(errors).filter((k) => k.split(':')[1] === targetKey && pageOfFieldKey(k) !== null);

export type ExecutionCreateInput = ApiInput<'execution.create'>;
export interface ExecutionRequest {
  targetKey: string;
  input: ExecutionCreateInput;
  /** Keys of `input.parameters` whose values are secret: never shown in a script. */
  sensitiveKeys: string[];
}
export interface MissingRequired {
  targetKey: string;
  packageName: string;
  reference: string;
}
export type BuildResult =
  { ok: true; requests: ExecutionRequest[] } | { ok: false; errors: FieldErrors; missing: MissingRequired[] };

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * Why a required parameter left empty has no value, or null when the master will find one: a
 * design default, a server value, or an environment variable of the chosen reference. (A
 * sensitive design default is never sent to the console, so the master decides for those.)
 */
export function requiredWithoutValue(param: ParameterInfo, referenceId: number | null): string | null {
  if (!param.required) return null;
  if (param.serverValue?.kind === 'value') return null;
  if (param.serverValue?.kind === 'reference') {
    return referenceId === null
      ? `${param.reference} is required; it takes environment variable ${param.serverValue.variableName}: choose an environment or enter a value`
      : null;
  }
  if (param.defaultValue !== null || param.sensitive) return null;
  return `${param.reference} is required`;
}

/** Converts one input to the value to send; `value` undefined means "use the default". */
export function parseParameterInput(
  param: ParameterInfo,
  raw: ParameterInput | undefined,
  referenceId: number | null = null,
): { value?: ParameterValue; error?: string } {
  const missing = raw === undefined || raw === '';
  if (missing) {
    const why = requiredWithoutValue(param, referenceId);
    return why ? { error: why } : {};
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

/** The property an override key names on this package's managers, if both exist. */
export function overrideTarget(
  target: ExecuteTarget,
  key: string,
): { manager: TargetConnectionManager; property: ConnectionPropertyInfo } | null {
  const parsed = parseOverrideKey(key);
  if (!parsed) return null;
  const manager = connectionManagersOf(target).find(
    (cm) => cm.name.toLowerCase() === parsed.manager.toLowerCase(),
  );
  const property = manager && findConnectionProperty(manager.type, parsed.property);
  return manager && property ? { manager, property } : null;
}

/** Converts an override's text to the property's type; '' means "keep the package's value". */
export function parseOverrideInput(
  property: ConnectionPropertyInfo,
  key: string,
  text: string,
): { value?: ParameterValue; error?: string } {
  if (text === '') return {};
  const t = text.trim();
  switch (property.dataType) {
    case 'Boolean':
      if (/^(true|1|yes)$/i.test(t)) return { value: true };
      if (/^(false|0|no)$/i.test(t)) return { value: false };
      return { error: `${key}: expected true or false` };
    case 'Int32': {
      const n = Number(t);
      return /^-?\d+$/.test(t) && n >= INT32_MIN && n <= INT32_MAX
        ? { value: n }
        : { error: `${key}: expected a whole number` };
    }
    case 'String':
      if (property.values && !property.values.includes(t))
        return { error: `${key}: must be one of ${property.values.join(', ')}` };
      return { value: property.values ? t : text };
  }
}

function parseWholeNumber(text: string, min: number, max: number): number | null {
  const t = text.trim();
  if (!/^-?\d+$/.test(t)) return null;
  const n = Number(t);
  return n >= min && n <= max ? n : null;
}

/** Positive seconds as milliseconds; '' is null (none); otherwise an error. */
function parseSeconds(text: string): number | null | 'error' {
  if (text.trim() === '') return null;
  const seconds = Number(text.trim());
  const ms = Math.round(seconds * 1000);
  return Number.isFinite(seconds) && ms > 0 ? ms : 'error';
}

/** Tags, trimmed, empty ones and repeats (ignoring case) dropped. */
export function normalizeTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  return tags
    .flatMap((t) => t.split(','))
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
      const tags = normalizeTags(form.tags);
      return tags.length > 0 ? { targeting: { kind: 'tags', tags } } : { error: 'Enter at least one tag' };
    }
  }
}

/** One package's execution.create input, or its errors (keys of FieldErrors). */
function buildPackage(
  target: ExecuteTarget,
  options: PackageOptions,
  errors: FieldErrors,
  missing: MissingRequired[],
): { input: Omit<ExecutionCreateInput, 'targeting'>; sensitiveKeys: string[] } {
  const parameters: Record<string, ParameterValue> = {};
  const sensitiveKeys: string[] = [];
  for (const param of [...target.projectParameters, ...target.packageParameters]) {
    const raw = options.values[param.reference];
    const { value, error } = parseParameterInput(param, raw, options.referenceId);
    if (error) {
      errors[parameterFieldKey(target.key, param.reference)] = error;
      if (raw === undefined || raw === '')
        missing.push({ targetKey: target.key, packageName: target.packageName, reference: param.reference });
    } else if (value !== undefined) {
      parameters[param.reference] = value;
      if (param.sensitive) sensitiveKeys.push(param.reference);
    }
  }
  for (const [key, text] of Object.entries(options.connections)) {
    const found = overrideTarget(target, key);
    if (!found) {
      errors[connectionFieldKey(target.key, key)] =
        `${key}: the package has no such connection manager property`;
      continue;
    }
    const { value, error } = parseOverrideInput(found.property, key, text);
    if (error) errors[connectionFieldKey(target.key, key)] = error;
    else if (value !== undefined) {
      parameters[key] = value;
      if (isSensitiveOverride(found.property, value)) sensitiveKeys.push(key);
    }
  }
  const field = (name: AdvancedField, message: string) =>
    (errors[advancedFieldKey(target.key, name)] = message);
  const retryCount = parseWholeNumber(options.retryCount, 0, 100);
  if (retryCount === null) field('retryCount', 'Retry count must be a whole number from 0 to 100');
  const priority = parseWholeNumber(options.priority, -1000, 1000);
  if (priority === null) field('priority', 'Priority must be a whole number from -1000 to 1000');
  const timeoutMs = parseSeconds(options.timeoutSeconds);
  if (timeoutMs === 'error') field('timeoutSeconds', 'Timeout must be a positive number of seconds');
  const maxQueueWaitMs = parseSeconds(options.maxQueueWaitSeconds);
  if (maxQueueWaitMs === 'error')
    field('maxQueueWaitSeconds', 'Maximum queue wait must be a positive number of seconds');
  return {
    input: {
      folderName: target.folderName,
      projectName: target.projectName,
      packageName: target.packageName,
      parameters,
      ...(options.referenceId !== null ? { referenceId: options.referenceId } : {}),
      retryCount: retryCount ?? 0,
      priority: priority ?? 0,
      loggingLevel: options.loggingLevel,
      timeoutMs: timeoutMs === 'error' ? null : timeoutMs,
      maxQueueWaitMs: maxQueueWaitMs === 'error' ? null : maxQueueWaitMs,
    },
    sensitiveKeys,
  };
}

/** One execution.create input per package, with only what the user set; or every problem. */
export function buildExecutionRequests(
  targets: readonly ExecuteTarget[],
  form: ExecuteFormState,
): BuildResult {
  const errors: FieldErrors = {};
  const missing: MissingRequired[] = [];
  const targeting = buildTargeting(form);
  if ('error' in targeting) errors.targeting = targeting.error;
  const requests = targets.map((target) => {
    const built = buildPackage(target, packageOptions(form, target.key), errors, missing);
    return {
      targetKey: target.key,
      input: { ...built.input, targeting: 'error' in targeting ? { kind: 'any' } : targeting.targeting },
      sensitiveKeys: built.sensitiveKeys,
    } satisfies ExecutionRequest;
  });
  if (Object.keys(errors).length > 0) return { ok: false, errors, missing };
  return { ok: true, requests };
}

/** "Required parameters without a value: Load: $Package::Day; Other: $Project::Conn". */
export function missingSummary(missing: readonly MissingRequired[]): string | null {
  if (missing.length === 0) return null;
  const byPackage = new Map<string, string[]>();
  for (const m of missing)
    byPackage.set(m.packageName, [...(byPackage.get(m.packageName) ?? []), m.reference]);
  return `Required parameters without a value: ${[...byPackage]
    .map(([pkg, refs]) => `${pkg}: ${refs.join(', ')}`)
    .join('; ')}`;
}

const ADVANCED_BY_API_FIELD = new Map<string, AdvancedField | 'referenceId'>([
  ['retryCount', 'retryCount'],
  ['priority', 'priority'],
  ['loggingLevel', 'loggingLevel'],
  ['timeoutMs', 'timeoutSeconds'],
  ['maxQueueWaitMs', 'maxQueueWaitSeconds'],
  ['referenceId', 'referenceId'],
]);

/**
 * The form field an API error names, so the message shows beside that input. The master names
 * parameters and overrides "parameters.<key>" (or the bare key) and options by their input key.
 */
export function fieldKeyForApiError(target: ExecuteTarget, field: string | undefined): string | undefined {
  if (!field) return undefined;
  if (field.split('.')[0] === 'targeting') return 'targeting';
  const advanced = ADVANCED_BY_API_FIELD.get(field);
  if (advanced) return advancedFieldKey(target.key, advanced);
  const key = field.startsWith('parameters.') ? field.slice('parameters.'.length) : field;
  const params = [...target.packageParameters, ...target.projectParameters];
  const match =
    params.find((p) => p.reference.toLowerCase() === key.toLowerCase()) ??
    params.find((p) => p.name.toLowerCase() === key.toLowerCase());
  if (match) return parameterFieldKey(target.key, match.reference);
  if (parseOverrideKey(key)) return connectionFieldKey(target.key, key);
  return undefined;
}

export function withPackageOptions(
  form: ExecuteFormState,
  targetKey: string,
  patch: Partial<PackageOptions>,
): ExecuteFormState {
  return {
    ...form,
    packages: { ...form.packages, [targetKey]: { ...packageOptions(form, targetKey), ...patch } },
  };
}

/** The form with one parameter input set; `undefined` or '' goes back to the default. */
export function withParameterInput(
  form: ExecuteFormState,
  targetKey: string,
  reference: string,
  input: ParameterInput | undefined,
): ExecuteFormState {
  const values = { ...packageOptions(form, targetKey).values };
  if (input === undefined || input === '') delete values[reference];
  else values[reference] = input;
  return withPackageOptions(form, targetKey, { values });
}

/** The form with one override set; '' removes it (the package's own value is used). */
export function withConnectionOverride(
  form: ExecuteFormState,
  targetKey: string,
  key: string,
  text: string,
): ExecuteFormState {
  const connections = { ...packageOptions(form, targetKey).connections };
  if (text === '') delete connections[key];
  else connections[key] = text;
  return withPackageOptions(form, targetKey, { connections });
}

/** Copies one package's Advanced page to every other package. */
export function withAdvancedForAll(
  form: ExecuteFormState,
  fromKey: string,
  targetKeys: readonly string[],
): ExecuteFormState {
  const { retryCount, priority, loggingLevel, timeoutSeconds, maxQueueWaitSeconds } = packageOptions(
    form,
    fromKey,
  );
  return targetKeys.reduce(
    (f, key) =>
      withPackageOptions(f, key, { retryCount, priority, loggingLevel, timeoutSeconds, maxQueueWaitSeconds }),
    form,
  );
}
