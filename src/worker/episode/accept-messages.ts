// Step 1 of an episode: which of the received control messages become history events.
// Duplicated deliveries of a completion are dropped, a second start is ignored, and a timer that
// surfaced early (queue visibility is capped) is sent again instead of being recorded.

import type { OrchestrationMessage } from '../../storage/port.js';
import type { HistoryEvent } from '../../domain/index.js';
import { deliveryKey, type HistoryIndex } from '../history-index.js';
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

/** `history` is the index of the stored history (read here, not changed). */
export function acceptMessages(history: HistoryIndex, messages: OrchestrationMessage[], now: Date): AcceptedMessages {
  const recorded = history.deliveryKeys;
  const seen = new Set<string>();
  let hasStart = history.start !== undefined;
  const rearmed: Outbound[] = [];
  const accepted: HistoryEvent[] = [];
  for (const message of messages) {
    const event = message.event;
    if (event.EventType === 'ExecutionStarted') {
      if (hasStart) continue;
      hasStart = true;
    }
    const key = deliveryKey(event);
    if (key && (recorded.has(key) || seen.has(key))) continue; // duplicate delivery
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
