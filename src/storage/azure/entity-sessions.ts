// What this worker itself last committed per entity: the next batch starts from it instead of
// reading the history again (the provider's extended sessions, in effect). A stale entry (another
// worker wrote since) fails the guarded checkpoint, is forgotten, and the batch is retried from
// storage.

import type { HistoryEvent } from '../../domain/index.js';

/** Entities remembered; the least recently committed go first. */
const CACHED_ENTITIES = 10_000;

export interface EntitySession {
  executionId: string;
  events: HistoryEvent[];
  sentinelETag: string;
}

export class EntitySessions {
  private readonly sessions = new Map<string, EntitySession>();

  recall(instanceId: string): EntitySession | undefined {
    return this.sessions.get(instanceId);
  }

  remember(instanceId: string, session: EntitySession): void {
    this.sessions.delete(instanceId);
    this.sessions.set(instanceId, session);
    if (this.sessions.size > CACHED_ENTITIES) this.sessions.delete(this.sessions.keys().next().value!);
  }

  forget(instanceId: string): void {
    this.sessions.delete(instanceId);
  }
}
