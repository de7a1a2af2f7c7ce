import { statfsSync } from 'node:fs';
import { cpus, freemem, hostname, loadavg, totalmem, userInfo } from 'node:os';
import type { MachineFacts, WorkerHealth } from '../master-core/protocol/wire';

export function machineFacts(): MachineFacts {
  let userAccount = 'unknown';
  try {
    userAccount = userInfo().username;
  } catch {
    // No passwd entry (some containers): keep "unknown".
  }
  return {
    hostname: hostname(),
    platform: process.platform,
    arch: process.arch,
    cpuCount: Math.max(1, cpus().length),
    totalMemoryBytes: totalmem(),
    nodeVersion: process.versions.node,
    userAccount,
  };
}

/** CPU use since the previous call, from the kernel's per-core counters. */
export function createCpuSampler() {
  let last = snapshot();
  return (): number => {
    const now = snapshot();
    const idle = now.idle - last.idle;
    const total = now.total - last.total;
    last = now;
    if (total <= 0) return Math.min(100, (loadavg()[0]! / Math.max(1, cpus().length)) * 100);
    return Math.max(0, Math.min(100, 100 * (1 - idle / total)));
  };
}

function snapshot() {
  let idle = 0;
  let total = 0;
  for (const cpu of cpus()) {
    idle += cpu.times.idle;
    total += cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.idle + cpu.times.irq;
  }
  return { idle, total };
}

export const freeMemoryBytes = () => freemem();

/** Free bytes for an unprivileged user on the file system holding `dir`; undefined if unknown. */
export function freeDiskBytes(dir: string): number | undefined {
  try {
    const stats = statfsSync(dir);
    return Number(stats.bavail) * Number(stats.bsize);
  } catch {
    return undefined;
  }
}

/** The machine's state as a heartbeat reports it, without the attempts (the agent adds those). */
export type HealthSample = Omit<WorkerHealth, 'runningAttemptIds'>;

/** Samples CPU (since the previous sample), memory, free disk of the work directory, load, uptime. */
export function createHealthProbe(workDir: string): () => HealthSample {
  const cpu = createCpuSampler();
  return () => {
    const disk = freeDiskBytes(workDir);
    return {
      cpuPercent: cpu(),
      freeMemoryBytes: freemem(),
      totalMemoryBytes: totalmem(),
      ...(disk === undefined ? {} : { freeDiskBytes: disk }),
      loadAverage: Math.max(0, loadavg()[0] ?? 0),
      // The agent's own uptime: a restart of the agent shows as a drop.
      uptimeSeconds: Math.floor(process.uptime()),
    };
  };
}

/** SSIS TaskRequestMaxCPU / TaskRequestMinMemory: the ceiling and floor past which no work is taken. */
export interface ResourceLimits {
  maxCpuPercent: number;
  minFreeMemoryBytes: number;
}

/** Why the machine has no room for more work now, or null when it has. */
export function overLimits(sample: HealthSample, limits: ResourceLimits): string | null {
  if (limits.maxCpuPercent < 100 && sample.cpuPercent > limits.maxCpuPercent)
    return `CPU at ${sample.cpuPercent.toFixed(0)}% is above the ${limits.maxCpuPercent}% ceiling`;
  if (sample.freeMemoryBytes < limits.minFreeMemoryBytes)
    return `free memory ${mib(sample.freeMemoryBytes)} MiB is below the ${mib(limits.minFreeMemoryBytes)} MiB floor`;
  return null;
}

const mib = (bytes: number) => Math.floor(bytes / 2 ** 20);
