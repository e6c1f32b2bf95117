// What the worker reports as it runs, for metrics. The composition root supplies an implementation;
// the worker knows nothing of how the figures are kept.

export type WorkOutcome = 'completed' | 'failed';

export interface WorkerObserver {
  /** An orchestration (or entity) episode ended; failed ones are retried from their messages. */
  episode(taskHub: string, outcome: WorkOutcome): void;
  /** An activity ran; failed means the function threw (the orchestration receives TaskFailed). */
  activity(taskHub: string, outcome: WorkOutcome): void;
}
