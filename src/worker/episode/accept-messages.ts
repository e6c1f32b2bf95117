// Step 1 of an episode: which of the received control messages become history events.
// Duplicated deliveries of a completion are dropped, a second start is ignored, and a timer that
// surfaced early (queue visibility is capped) is sent again instead of being recorded.

import type { OrchestrationMessage } from '../../storage/port.js';
import { type HistoryEvent, completionKey } from '../../domain/index.js';
import { entityResponseKey } from '../entities/orchestration-entities.js';
import type { Outbound } from './types.js';

/** Azure queues cap visibility at 7 days; longer timers are re-armed when they surface early. */
export const MAX_TIMER_DELAY_IN_MS = 6 * 24 * 3600 * 1000;
/** A timer message this early is not due yet (clock skew between queue and worker is tolerated). */
const EARLY_TIMER_TOLERANCE_IN_MS = 1000;

export interface AcceptedMessages {
  /** New events in the order they are appended (a fresh start first). */
  accepted: HistoryEvent[];
  /** Timers that surfaced before their FireAt, to send again. */
  rearmed: Outbound[];
}

export function acceptMessages(history: HistoryEvent[], messages: OrchestrationMessage[], now: Date): AcceptedMessages {
  const keyOf = (event: HistoryEvent) => completionKey(event) ?? entityResponseKey(event);
  const seen = new Set(history.map(keyOf).filter((k) => k !== undefined));
  let hasStart = history.some((e) => e.EventType === 'ExecutionStarted');
  const rearmed: Outbound[] = [];
  const accepted: HistoryEvent[] = [];
  for (const message of messages) {
    const event = message.event;
    if (event.EventType === 'ExecutionStarted') {
      if (hasStart) continue;
      hasStart = true;
    }
    const key = keyOf(event);
    if (key && seen.has(key)) continue; // duplicate delivery
    if (event.EventType === 'TimerFired' && typeof event.FireAt === 'string') {
      const remaining = Date.parse(event.FireAt) - now.getTime();
      if (remaining > EARLY_TIMER_TOLERANCE_IN_MS) {
        rearmed.push({ instance: message.instance, event, delayInMs: Math.min(remaining, MAX_TIMER_DELAY_IN_MS) });
        continue;
      }
    }
    if (key) seen.add(key);
    accepted.push({ ...event, IsPlayed: false });
  }
  // A fresh start comes first, whatever the queue order was.
  accepted.sort((a, b) => Number(b.EventType === 'ExecutionStarted') - Number(a.EventType === 'ExecutionStarted'));
  return { accepted, rearmed };
}
