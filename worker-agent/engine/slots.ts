/** MaxConcurrentExecutables: how many tasks of a package run at once. */
import { availableParallelism } from 'node:os';
import type { PackageDef } from '../../master-core/protocol/packageFormat';

export class Semaphore {
  private waiters: (() => void)[] = [];
  constructor(private free: number) {}
  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.waiters.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.free += 1;
    };
  }
}

/** MaxConcurrentExecutables: -1 means processors + 2, as in SSIS. */
export function concurrencyOf(pkg: PackageDef): number {
  return pkg.maxConcurrentExecutables === -1 ? availableParallelism() + 2 : pkg.maxConcurrentExecutables;
}
