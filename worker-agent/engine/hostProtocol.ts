import { z } from 'zod';
import { DataStatistic, TaskAssignment, TaskStatistic } from '../../master-core/protocol/wire';

/**
 * IPC between the agent and one execution host process.
 *
 * host.ready (host) -> host.run (agent) -> host.event* -> host.result (host), then either the host
 * exits (`reuse: false`, exit code 0 success / 1 failure) or says host.ready again and waits for
 * the next host.run (`reuse: true`, pooled mode). The agent retires an idle host by closing the
 * IPC channel; a host whose channel closes stops what it runs and exits. Cancel and timeout are
 * signals to the host's process group (SIGTERM, then SIGKILL), not messages: they must work on a
 * host whose event loop is stuck.
 */
export const HostRun = z.strictObject({
  type: z.literal('host.run'),
  task: TaskAssignment,
  machineName: z.string(),
  /** The attempt's own working directory; the host changes to it for the run. */
  workDir: z.string().min(1),
  /** After the result, wait for another run (true) or exit (false). */
  reuse: z.boolean(),
});
export type HostRun = z.infer<typeof HostRun>;

export const HostReady = z.strictObject({ type: z.literal('host.ready') });
export const HostEvent = z.strictObject({
  type: z.literal('host.event'),
  timeMs: z.number(),
  messageType: z.number().int(),
  sourceType: z.number().int(),
  sourceName: z.string(),
  packagePath: z.string(),
  message: z.string(),
});
export const HostResult = z.strictObject({
  type: z.literal('host.result'),
  outcome: z.enum(['succeeded', 'failed']),
  error: z.string().nullable(),
  statistics: z.array(TaskStatistic),
  dataStatistics: z.array(DataStatistic).default([]),
  /** The host's resident set size after the run (process.memoryUsage().rss), for recycling. */
  rssBytes: z.number().int().nonnegative(),
});
export const HostOutbound = z.discriminatedUnion('type', [HostReady, HostEvent, HostResult]);
export type HostOutbound = z.infer<typeof HostOutbound>;
