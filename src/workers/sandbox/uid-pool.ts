/**
 * A range of uids handed to sandboxes one each, so that RLIMIT_NPROC and file ownership are per
 * sandbox. The search starts at an offset drawn from the worker's pid, so that two workers on
 * one host rarely hand out the same uid (a collision would only share the process limit: each
 * sandbox has its own pid namespace and sees no other).
 */
export class UidPool {
  private readonly used = new Set<number>();
  private next: number;

  constructor(
    private readonly base: number,
    private readonly count: number,
  ) {
    this.next = (process.pid * 37) % count;
  }

  take(): number {
    for (let i = 0; i < this.count; i++) {
      const slot = (this.next + i) % this.count;
      if (!this.used.has(slot)) {
        this.used.add(slot);
        this.next = (slot + 1) % this.count;
        return this.base + slot;
      }
    }
    throw new Error(`all ${this.count} sandbox uids are in use; raise GATEWAY_SANDBOX_UIDS`);
  }

  give(uid: number): void {
    this.used.delete(uid - this.base);
  }

  get inUse(): number {
    return this.used.size;
  }
}
