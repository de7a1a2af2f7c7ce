import type { ApiInput, WorkerRow } from '../../master-core/protocol/api';

/** Scale Out Manager's Edit Worker form: what the operator typed, checked, turned into worker.update. */

export interface WorkerEditForm {
  name: string;
  description: string;
  tags: string[];
  maxTasks: string;
  maxCpuPercent: string;
  /** In MiB: what an operator thinks in; the API takes bytes. */
  minFreeMemoryMiB: string;
}

export type WorkerEditField = keyof WorkerEditForm;
export type WorkerEditErrors = Partial<Record<WorkerEditField, string>>;

const MIB = 2 ** 20;

export function editFormFor(worker: WorkerRow): WorkerEditForm {
  return {
    name: worker.name,
    description: worker.description,
    tags: [...worker.tags],
    maxTasks: String(worker.maxTasks),
    maxCpuPercent: String(worker.maxCpuPercent),
    minFreeMemoryMiB: String(Math.round(worker.minFreeMemoryBytes / MIB)),
  };
}

/** Tags as typed: trimmed, no empties, no repeats (first spelling kept). */
export function normalizeTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of tags) {
    const tag = raw.trim();
    if (tag !== '' && !seen.has(tag)) {
      seen.add(tag);
      out.push(tag);
    }
  }
  return out;
}

/** A problem with a tag list, or null: the limits worker.update and enrolment tokens share. */
export function tagsProblem(tags: readonly string[]): string | null {
  if (tags.length > 64) return `at most 64 tags (${tags.length} given)`;
  const long = tags.find((t) => t.length > 64);
  return long ? `tag "${long.slice(0, 20)}..." is longer than 64 characters` : null;
}

function parseNumber(
  text: string,
  { min, max, integer }: { min: number; max: number; integer: boolean },
): number | string {
  const trimmed = text.trim();
  if (trimmed === '') return 'required';
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return `"${trimmed}" is not a number`;
  if (integer && !Number.isInteger(value)) return 'must be a whole number';
  if (value < min || value > max) return `must be between ${min} and ${max}`;
  return value;
}

export type WorkerUpdateInput = ApiInput<'worker.update'>;

export type WorkerEditResult =
  { ok: true; input: WorkerUpdateInput; changed: boolean } | { ok: false; errors: WorkerEditErrors };

/**
 * The worker.update input for this form: only what changed is sent, since a value the operator
 * sets wins over the worker's own file from then on, and untouched values should not be pinned.
 */
export function workerUpdateInput(worker: WorkerRow, form: WorkerEditForm): WorkerEditResult {
  const errors: WorkerEditErrors = {};
  const name = form.name.trim();
  if (name === '') errors.name = 'Display name is required';
  else if (name.length > 256) errors.name = 'Display name: at most 256 characters';
  if (form.description.length > 4000) errors.description = 'Description: at most 4000 characters';
  const tags = normalizeTags(form.tags);
  const tagError = tagsProblem(tags);
  if (tagError) errors.tags = `Tags: ${tagError}`;
  const maxTasks = parseNumber(form.maxTasks, { min: 1, max: 1024, integer: true });
  if (typeof maxTasks === 'string') errors.maxTasks = `Max tasks: ${maxTasks}`;
  const maxCpu = parseNumber(form.maxCpuPercent, { min: 1, max: 100, integer: false });
  if (typeof maxCpu === 'string') errors.maxCpuPercent = `Max CPU %: ${maxCpu}`;
  const minFree = parseNumber(form.minFreeMemoryMiB, { min: 0, max: 16 * 1024 * 1024, integer: true });
  if (typeof minFree === 'string') errors.minFreeMemoryMiB = `Min free memory (MiB): ${minFree}`;
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const input: WorkerUpdateInput = { name: worker.name };
  if (name !== worker.name) input.newName = name;
  if (form.description !== worker.description) input.description = form.description;
  if (tags.join('\n') !== worker.tags.join('\n')) input.tags = tags;
  if (maxTasks !== worker.maxTasks) input.maxTasks = maxTasks as number;
  if (maxCpu !== worker.maxCpuPercent) input.maxCpuPercent = maxCpu as number;
  const minFreeBytes = (minFree as number) * MIB;
  // The form shows whole MiB: an unchanged rounded value must not overwrite the exact bytes.
  if ((minFree as number) !== Math.round(worker.minFreeMemoryBytes / MIB))
    input.minFreeMemoryBytes = minFreeBytes;
  return { ok: true, input, changed: Object.keys(input).length > 1 };
}

/** Which form field an error from the master names (its `field` is the API's input name). */
export function editFieldForApiError(field: string | undefined): WorkerEditField | undefined {
  switch (field?.split('.')[0]) {
    case 'name':
    case 'newName':
      return 'name';
    case 'description':
      return 'description';
    case 'tags':
      return 'tags';
    case 'maxTasks':
      return 'maxTasks';
    case 'maxCpuPercent':
      return 'maxCpuPercent';
    case 'minFreeMemoryBytes':
      return 'minFreeMemoryMiB';
    default:
      return undefined;
  }
}
