import type { ReferenceInfo } from '../../master-core/protocol/api';
import type { ExecutionRequest } from './executeRequest';

/**
 * The Execute dialog's Script button: the same executions as `scaleout run` commands and as
 * curl calls to the console API. Sensitive values are never written out: the commands read them
 * from shell variables, the HTTP bodies carry a placeholder to replace.
 */

/** A word a POSIX shell reads back unchanged: bare when safe, else in single quotes. */
export function shellQuote(text: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The shell variable a sensitive value is read from: "$Package::Db Password" -> PACKAGE_DB_PASSWORD. */
export function secretVariable(key: string): string {
  const name = key
    .replace(/^\$/, '')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  return /^[0-9]/.test(name) || name === '' ? `V_${name}` : name;
}

export const sensitivePlaceholder = (key: string) => `<sensitive: ${key}>`;

export interface ScriptContext {
  /** The console API the dialog talks to, e.g. http://127.0.0.1:8390. */
  baseUrl: string;
  /** The project's references, to name the environment the way `--environment` takes it. */
  referenceOf: (folderName: string, projectName: string, referenceId: number) => ReferenceInfo | undefined;
}

const textOf = (value: unknown) => (typeof value === 'string' ? value : String(value));

/** Whole seconds for a flag that takes them (rounded up), with a note when that changed the value. */
function wholeSeconds(ms: number, flag: string, notes: string[]): number {
  const seconds = Math.ceil(ms / 1000);
  if (seconds * 1000 !== ms)
    notes.push(`# ${flag} takes whole seconds: ${ms / 1000} s rounded up to ${seconds}`);
  return seconds;
}

function cliCommand(request: ExecutionRequest, context: ScriptContext, notes: string[]): string {
  const { input } = request;
  const words: string[] = [
    'scaleout',
    'run',
    shellQuote(`${input.folderName}/${input.projectName}/${input.packageName}`),
  ];
  const lines: string[] = [];
  for (const [key, value] of Object.entries(input.parameters ?? {})) {
    lines.push(
      request.sensitiveKeys.includes(key)
        ? `--param ${shellQuote(`${key}=`)}"$${secretVariable(key)}"`
        : `--param ${shellQuote(`${key}=${textOf(value)}`)}`,
    );
  }
  if (input.referenceId !== undefined) {
    const reference = context.referenceOf(input.folderName, input.projectName, input.referenceId);
    if (reference) {
      const sameFolder = reference.environmentFolderName.toLowerCase() === input.folderName.toLowerCase();
      const name = sameFolder
        ? reference.environmentName
        : `${reference.environmentFolderName}/${reference.environmentName}`;
      lines.push(`--environment ${shellQuote(name)}`);
    } else {
      notes.push(`# environment reference ${input.referenceId} is not known here: add --environment <name>`);
    }
  }
  const options: string[] = [];
  if (input.retryCount) options.push(`--retries ${input.retryCount}`);
  if (input.priority) options.push(`--priority ${input.priority}`);
  if (input.loggingLevel !== undefined) options.push(`--logging-level ${input.loggingLevel}`);
  if (input.timeoutMs) options.push(`--timeout ${wholeSeconds(input.timeoutMs, '--timeout', notes)}`);
  if (input.maxQueueWaitMs)
    options.push(`--max-queue-wait ${wholeSeconds(input.maxQueueWaitMs, '--max-queue-wait', notes)}`);
  if (options.length > 0) lines.push(options.join(' '));
  const targeting = input.targeting;
  if (targeting?.kind === 'workers')
    lines.push(targeting.names.map((n) => `--worker ${shellQuote(n)}`).join(' '));
  if (targeting?.kind === 'tags') lines.push(targeting.tags.map((t) => `--tag ${shellQuote(t)}`).join(' '));
  return [words.join(' '), ...lines].join(' \\\n  ');
}

function secretsNeeded(requests: readonly ExecutionRequest[]): string[] {
  const lines = new Map<string, string>();
  for (const r of requests) {
    for (const key of r.sensitiveKeys) {
      const variable = secretVariable(key);
      const where = `${r.input.folderName}/${r.input.projectName}/${r.input.packageName}`;
      lines.set(
        variable,
        `${lines.has(variable) ? `${lines.get(variable)}, ` : `#   ${variable}: ${key} of `}${where}`,
      );
    }
  }
  return [...lines.values()];
}

/** `scaleout run` commands, one per package. */
export function cliScript(requests: readonly ExecutionRequest[], context: ScriptContext): string {
  const notes: string[] = [];
  const commands = requests.map((r) => cliCommand(r, context, notes));
  const secrets = secretsNeeded(requests);
  return [
    '# Equivalent scaleout commands (POSIX shell).',
    `export SCALEOUT_URL=${shellQuote(context.baseUrl)}`,
    '# export SCALEOUT_TOKEN=<console token>',
    ...(secrets.length > 0
      ? ['# Sensitive values are not shown: set these shell variables first.', ...secrets]
      : []),
    ...notes,
    ...commands,
  ].join('\n');
}

/** curl calls of POST /api/execution.create, one per package. */
export function httpScript(requests: readonly ExecutionRequest[], context: ScriptContext): string {
  const url = `${context.baseUrl.replace(/\/+$/, '')}/api/execution.create`;
  const calls = requests.map((r) => {
    const parameters = Object.fromEntries(
      Object.entries(r.input.parameters ?? {}).map(([key, value]) => [
        key,
        r.sensitiveKeys.includes(key) ? sensitivePlaceholder(key) : value,
      ]),
    );
    const body = JSON.stringify({ ...r.input, parameters }, null, 2);
    return [
      `curl -sS -X POST ${shellQuote(url)}`,
      `-H 'Content-Type: application/json'`,
      `-H "Authorization: Bearer $SCALEOUT_TOKEN"`,
      `--data-binary ${shellQuote(body)}`,
    ].join(' \\\n  ');
  });
  const hasSecrets = requests.some((r) => r.sensitiveKeys.length > 0);
  return [
    '# The console API: one POST per package; set SCALEOUT_TOKEN to a console token.',
    ...(hasSecrets ? ['# Replace each "<sensitive: ...>" with its value before running.'] : []),
    ...calls,
  ].join('\n');
}
