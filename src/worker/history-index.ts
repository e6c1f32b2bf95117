// What the planner and the executor host ask of an execution's history every episode (has it
// ended, which completions were recorded, which tasks were scheduled, is it suspended, ...),
// folded event by event. An episode adds only its own events to the index the last episode of the
// instance left, instead of passing over the whole history a dozen times: with a history served
// from the worker's cache, the planner's work grows with the new events, not with the history.
//
// An index is found again by the last event object of the history it covers: the store's cache
// hands the next episode the very objects the last commit wrote (see replay-sessions.ts), while a
// history read from storage is new objects and gets an index folded afresh. The same fold builds
// both, so the answers are the same either way.

import { completionKey, isExecutionEnd, type HistoryEvent } from '../domain/index.js';
import { entityResponseKey, recordSendStamp } from './entities/orchestration-entities.js';

const SCHEDULING_EVENTS = new Set(['TaskScheduled', 'TimerCreated', 'SubOrchestrationInstanceCreated', 'EventSent']);

/** The key a second delivery of the same completion or entity response would have. */
export const deliveryKey = (event: HistoryEvent) => completionKey(event) ?? entityResponseKey(event);

export class HistoryIndex {
  /** Every event folded, oldest first (owned: only `add` appends to it). */
  readonly events: HistoryEvent[] = [];
  /** The same without GenericEvent rows (rewound, invisible to replay). */
  private readonly replayableEvents: HistoryEvent[] = [];
  private genericEvents = 0;
  /** The execution ended (ExecutionCompleted, ContinueAsNew or ExecutionTerminated). */
  ended = false;
  /** The first ExecutionStarted. */
  start: HistoryEvent | undefined;
  /** Suspended after ExecutionSuspended/Resumed in order. */
  suspended = false;
  /** The newest ExecutionSuspended. */
  lastSuspend: HistoryEvent | undefined;
  /** Delivery keys of the recorded completions and entity responses (duplicates are dropped against them). */
  readonly deliveryKeys = new Set<string>();
  /** EventIds of TaskScheduled, TimerCreated, SubOrchestrationInstanceCreated and EventSent. */
  readonly scheduledIds = new Set<number>();
  /** Per entity (lower-cased id), the Timestamp of the last request sent to it. */
  readonly sendStamps = new Map<string, string>();

  static over(history: readonly HistoryEvent[]): HistoryIndex {
    const index = new HistoryIndex();
    index.add(history);
    return index;
  }

  /** The events replay sees (GenericEvent rows left out); the same array while there are none. */
  get replayable(): HistoryEvent[] {
    return this.genericEvents === 0 ? this.events : this.replayableEvents;
  }

  add(events: readonly HistoryEvent[]): void {
    for (const event of events) this.addOne(event);
  }

  /** Folds the events appended to `newEvents` since the last call: the index then covers `history` + `newEvents`. */
  follow(history: readonly HistoryEvent[], newEvents: readonly HistoryEvent[]): void {
    for (let i = this.events.length - history.length; i < newEvents.length; i++) this.addOne(newEvents[i]);
  }

  private addOne(event: HistoryEvent): void {
    this.events.push(event);
    if (event.EventType === 'GenericEvent') {
      // From now on the replayable events are a list of their own.
      if (this.genericEvents++ === 0) this.replayableEvents.push(...this.events.slice(0, -1));
    } else this.replayableEvents.push(event);
    if (isExecutionEnd(event) || event.EventType === 'ExecutionTerminated') this.ended = true;
    if (event.EventType === 'ExecutionStarted') this.start ??= event;
    else if (event.EventType === 'ExecutionSuspended') {
      this.suspended = true;
      this.lastSuspend = event;
    } else if (event.EventType === 'ExecutionResumed') this.suspended = false;
    const key = deliveryKey(event);
    if (key !== undefined) this.deliveryKeys.add(key);
    if (SCHEDULING_EVENTS.has(event.EventType)) this.scheduledIds.add(event.EventId);
    if (event.EventType === 'EventSent') recordSendStamp(this.sendStamps, event);
  }
}

/** Indexes of histories planned by this worker, found again by the last event of the history they cover. */
export class HistoryIndexes {
  private readonly byLast = new WeakMap<HistoryEvent, HistoryIndex>();

  /** The index of exactly `history` (handed out once: the episode extends it), or one folded over it now. */
  take(history: readonly HistoryEvent[]): HistoryIndex {
    const last = history.at(-1);
    const index = last && this.byLast.get(last);
    if (!index) return HistoryIndex.over(history);
    this.byLast.delete(last);
    const same = index.events.length === history.length && index.events[0] === history[0];
    return same ? index : HistoryIndex.over(history);
  }

  /** Keeps `index` for the episode whose history ends with its last event (the next one, once this commit is stored). */
  keep(index: HistoryIndex): void {
    const last = index.events.at(-1);
    if (last) this.byLast.set(last, index);
  }
}
