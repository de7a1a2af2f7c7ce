// The packages the benchmarks run.
import { ProjectBundle } from '../master-core/protocol/packageFormat';

/** Waits ten minutes: work an agent holds while it is killed or frozen. */
export const slowBundle: ProjectBundle = ProjectBundle.parse({
  project: { name: 'Bench' },
  packages: [
    {
      name: 'Slow',
      tasks: [{ name: 'Wait', type: 'script', code: 'await new Promise((r) => setTimeout(r, 600000));' }],
    },
  ],
});

/** One expression task: the cheapest package that still runs the engine. */
export const noopBundle: ProjectBundle = ProjectBundle.parse({
  project: { name: 'Bench' },
  packages: [
    {
      name: 'Noop',
      tasks: [{ name: 'Nothing', type: 'expression', expression: '@[User::Done] = TRUE' }],
      variables: [{ name: 'Done', dataType: 'Boolean', value: false }],
    },
  ],
});
