import type { ApiInput, ApiOutput } from '../../master-core/protocol/api';
import { ScaleOutError } from '../../master-core/protocol/errors';
import { numberFlag } from './worker';

const MIB = 2 ** 20;

/** The flags of `scaleout workers set`, as commander hands them over (strings until checked). */
export interface WorkerSetFlags {
  name?: string;
  description?: string;
  tags?: string;
  maxTasks?: string;
  maxCpuPercent?: string;
  minFreeMemoryMb?: string;
}

/** The worker.update input for `scaleout workers set NAME ...`; a bad flag is refused naming it. */
export function workerUpdateInput(name: string, flags: WorkerSetFlags): ApiInput<'worker.update'> {
  const maxTasks = numberFlag(flags.maxTasks, '--max-tasks', 'maxTasks', { min: 1, max: 1024, whole: true });
  const maxCpuPercent = numberFlag(flags.maxCpuPercent, '--max-cpu-percent', 'maxCpuPercent', {
    min: 1,
    max: 100,
    whole: false,
  });
  const minFreeMemoryMb = numberFlag(flags.minFreeMemoryMb, '--min-free-memory-mb', 'minFreeMemoryBytes', {
    min: 0,
    max: 16 * MIB,
    whole: true,
  });
  if (flags.name !== undefined && flags.name.trim() === '')
    throw new ScaleOutError('VALIDATION_FAILED', '--name cannot be blank', { field: 'newName' });
  // "--tags ''" clears them; "a, b,,c" is a, b and c.
  const tags = flags.tags
    ?.split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const tooLong = tags?.find((t) => t.length > 64);
  if (tooLong !== undefined)
    throw new ScaleOutError('VALIDATION_FAILED', `--tags: "${tooLong}" is longer than 64 characters`, {
      field: 'tags',
    });
  const input: ApiInput<'worker.update'> = {
    name,
    ...(flags.name === undefined ? {} : { newName: flags.name.trim() }),
    ...(flags.description === undefined ? {} : { description: flags.description }),
    ...(tags === undefined ? {} : { tags }),
    ...(maxTasks === undefined ? {} : { maxTasks }),
    ...(maxCpuPercent === undefined ? {} : { maxCpuPercent }),
    ...(minFreeMemoryMb === undefined ? {} : { minFreeMemoryBytes: minFreeMemoryMb * MIB }),
  };
  if (Object.keys(input).length === 1)
    throw new ScaleOutError(
      'VALIDATION_FAILED',
      'nothing to change: give at least one of --name, --description, --tags, --max-tasks, --max-cpu-percent, --min-free-memory-mb',
    );
  return input;
}

/** What `scaleout workers set` prints: the settings in force, and whether the worker has them yet. */
export function describeUpdate(name: string, result: ApiOutput<'worker.update'>): string {
  const w = result.worker;
  const renamed = w.name === name ? '' : ` (now ${w.name})`;
  const settings = [
    `tags ${w.tags.length ? w.tags.join(',') : '(none)'}`,
    `max ${w.maxTasks} tasks`,
    `CPU <= ${w.maxCpuPercent}%`,
    `free memory >= ${Math.floor(w.minFreeMemoryBytes / MIB)} MB`,
  ].join(', ');
  const where = result.appliedLive
    ? 'applied live'
    : `saved; the worker is ${w.state} and gets them when it next connects`;
  return `worker ${name}${renamed} updated: ${settings}; ${where}\n`;
}
