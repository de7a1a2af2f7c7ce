import { cpus, freemem, hostname, loadavg, totalmem, userInfo } from 'node:os';
import type { MachineFacts } from '../master-core/protocol/wire';

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
