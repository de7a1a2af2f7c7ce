import { z } from 'zod';
import { TaskAssignment, TaskStatistic } from '../../master-core/protocol/wire';

/** IPC between the agent and one execution host process. */
export const HostRun = z.strictObject({
  type: z.literal('host.run'),
  task: TaskAssignment,
  machineName: z.string(),
});
export const HostCancel = z.strictObject({ type: z.literal('host.cancel') });
export const HostInbound = z.discriminatedUnion('type', [HostRun, HostCancel]);
export type HostInbound = z.infer<typeof HostInbound>;

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
});
export const HostOutbound = z.discriminatedUnion('type', [HostEvent, HostResult]);
export type HostOutbound = z.infer<typeof HostOutbound>;
