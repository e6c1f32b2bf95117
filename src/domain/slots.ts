// A fixed number of slots for asynchronous work: callers beyond it queue in arrival order. Kept
// with the shared vocabulary because both services (long-poll reads) and the storage adapter
// (sliced scans) bound how many storage requests they keep in flight.

export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = Math.max(1, size);
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}
