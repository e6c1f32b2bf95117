// How a server stops, in a fixed order whatever order its parts were started in: the address file
// goes first (the CLI must not find a stopping server); then the work — the app (no new requests,
// long polls answered at once, in-flight requests finish), the worker (no new work items, running
// ones finish), the worker's metrics listener, the stores; then, always, what owns the data folder:
// the embedded emulator (it saves its tables on a clean stop) and the folder lock.
// The work may be given a grace period: what is still running after it is left behind. That is safe
// by design: a work item's messages are deleted only after its checkpoint, so they become visible
// again and another worker (or this one, restarted) runs them.

import type { Logger } from 'pino';

type Step = () => Promise<unknown>;

/** The work, in the order it is stopped. */
const WORK_ORDER = ['app', 'worker', 'metrics listener', 'stores'] as const;
export type WorkStep = (typeof WORK_ORDER)[number];

export class Shutdown {
  private readonly controller = new AbortController();
  private readonly firstSteps: Step[] = [];
  private readonly work = new Map<WorkStep, Step>();
  private readonly finalSteps: Step[] = [];
  private readonly late: Promise<unknown>[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly logger: Logger) {}

  /** Aborted as soon as a stop is requested (start-up steps check it). */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  abort(): void {
    this.controller.abort();
  }

  first(step: Step): void {
    this.firstSteps.push(step);
  }

  /** A part started after the stop began (a worker whose start was under way) is stopped at once. */
  add(name: WorkStep, step: Step): void {
    if (this.running) this.late.push(this.guard(step));
    else this.work.set(name, step);
  }

  /** Run last, in reverse order of registration, even when the work overran its grace. */
  finally(step: Step): void {
    this.finalSteps.push(step);
  }

  run(graceInMs = Number.POSITIVE_INFINITY): Promise<void> {
    this.running ??= this.stop(graceInMs);
    return this.running;
  }

  private async stop(graceInMs: number): Promise<void> {
    this.controller.abort();
    for (const step of this.firstSteps) await this.guard(step);
    const work = (async () => {
      for (const name of WORK_ORDER) {
        const step = this.work.get(name);
        if (step) await this.guard(step);
      }
      await Promise.all(this.late);
    })();
    if (Number.isFinite(graceInMs)) {
      let timer: NodeJS.Timeout | undefined;
      const overran = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceInMs)));
      if (await Promise.race([work.then(() => false), overran])) {
        this.logger.warn(`stop: work still in flight after ${graceInMs} ms is left behind; its messages will be picked up again`);
      }
      clearTimeout(timer);
    } else await work;
    for (const step of this.finalSteps.reverse()) await this.guard(step);
  }

  private guard(step: Step): Promise<unknown> {
    return step().catch((error: unknown) => this.logger.error({ err: error }, 'error while shutting down'));
  }
}
