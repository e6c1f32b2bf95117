// Durable Entities seen from a client: read one entity's state, signal it, list entities and
// clean entity storage, all over the rows and messages the provider uses (see src/domain/entity-*.ts).

import { randomUUID } from 'node:crypto';
import {
  EMPTY_KEY_SYMBOL,
  entityId,
  invalidKeyReason,
  invalidNameReason,
  tooLongReason,
  parseSchedulerId,
  schedulerId,
  schedulerIdPrefix,
  type EntityId,
} from '../domain/entity-id.js';
import { jsonNetDate, requestEventName, RELEASE_EVENT_NAME, serializeRelease, serializeRequest } from '../domain/entity-messages.js';
import { parseEntityStatus, parseSchedulerState, statusSaysExists } from '../domain/entity-state.js';
import { DomainError, eventRaised, type InstanceState } from '../domain/index.js';
import type { CleanEntityStorageResult, EntityStatus } from '../schemas/entities.js';
import { JsonText } from './json-text.js';
import type { ManagementStore } from '../storage/management-store.js';

export const DEFAULT_ENTITY_PAGE_SIZE = 100;
const MAX_ENTITY_PAGE_SIZE = 1000;
/** The provider keeps reading while pages come back empty, for at most this long (EntityTrackingStoreQueries). */
const EMPTY_PAGE_BUDGET_IN_MS = 100;

/** One entity as the list shows it; `lastOperationTime` is Json.NET's DateTime text (full precision, `Z`). */
export type EntityStatusObject = EntityStatus;

export interface EntityListFilter {
  /** Entity name (any letter case); all entities when absent. */
  name?: string;
  lastOperationTimeFrom?: Date;
  lastOperationTimeTo?: Date;
  fetchState?: boolean;
}

export interface EntityListPage {
  entities: EntityStatusObject[];
  continuationToken?: string;
}

export interface SignalOptions {
  /** Operation name; the extension defaults it to the empty string. */
  operation: string;
  /** Parsed input; undefined for none. */
  input?: unknown;
  /** Deliver at this time (an `op@<time>` message with a queue delay). */
  scheduledTime?: Date;
}

export type { CleanEntityStorageResult };

/** Route/CLI spelling -> id; `$` is the empty key. Throws BadRequest for names that cannot be entities. */
export function toEntityId(name: string, key: string): EntityId {
  const reason = invalidNameReason(name);
  if (reason) throw new DomainError('BadRequest', reason);
  return entityId(name, key === EMPTY_KEY_SYMBOL ? '' : key);
}

/** Entity state JSON text, kept verbatim; text that is not JSON comes back as a string (DurableEntityStatus). */
function stateValue(text: string | undefined): JsonText | string | null {
  if (text === undefined) return null;
  try {
    return JsonText.parse(text);
  } catch {
    return text;
  }
}

/** JSON text without the whitespace between tokens (Json.NET's Formatting.None), numbers untouched. */
export function compactJson(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (!/\s/.test(ch)) {
      out += ch;
    }
  }
  return out;
}

/** The operation input as the request message carries it: JSON text (a string input is a JSON string). */
function inputText(input: unknown): string | null {
  if (input === undefined) return null;
  if (input instanceof JsonText) return compactJson(input.text);
  return JSON.stringify(input) ?? null;
}

export async function readEntityState(store: ManagementStore, id: EntityId): Promise<{ exists: false } | { exists: true; state: unknown }> {
  const row = await store.getInstance(schedulerId(id), { fetchInput: true });
  const scheduler = row ? parseStoredState(row) : undefined;
  if (!scheduler?.exists) return { exists: false };
  return { exists: true, state: stateValue(scheduler.state) };
}

function parseStoredState(row: InstanceState) {
  try {
    return parseSchedulerState(row.input);
  } catch {
    throw new DomainError('InternalError', `The stored state of entity '${row.instanceId}' is not readable.`);
  }
}

/**
 * `knownNames`: the entity functions of the worker that serves this hub, when known. As the
 * extension does for its own app, a signal to a name none of them has is refused rather than
 * queued for nobody; for a hub another app serves, names are not checked.
 */
export async function signalEntity(
  store: ManagementStore,
  id: EntityId,
  options: SignalOptions,
  knownNames?: readonly string[],
): Promise<void> {
  const reason = invalidKeyReason(id.key) ?? tooLongReason(id);
  if (reason) throw new DomainError('BadRequest', reason);
  if (knownNames && !knownNames.some((known) => known.toLowerCase() === id.name)) {
    throw new DomainError('UnknownEntity', `The entity function '${id.name}' is not registered with the worker.`);
  }
  const due = options.scheduledTime;
  const request = serializeRequest({
    op: options.operation,
    signal: true,
    input: inputText(options.input),
    id: randomUUID(),
    due: due ? jsonNetDate(due) : null,
  });
  const event = eventRaised(requestEventName(due), request);
  const delay = due ? Math.max(0, due.getTime() - Date.now()) : 0;
  await store.sendEvent(schedulerId(id), event, { delayInMs: delay });
}

export async function listEntities(
  store: ManagementStore,
  filter: EntityListFilter,
  options: { top?: number; continuationToken?: string } = {},
): Promise<EntityListPage> {
  const fetchState = filter.fetchState === true;
  const pageSize = Math.min(Math.max(options.top ?? DEFAULT_ENTITY_PAGE_SIZE, 1), MAX_ENTITY_PAGE_SIZE);
  let token = options.continuationToken || undefined;
  const started = Date.now();
  for (;;) {
    const page = await store.listInstances(
      {
        instanceIdPrefix: schedulerIdPrefix(filter.name),
        createdTimeFrom: filter.lastOperationTimeFrom,
        createdTimeTo: filter.lastOperationTimeTo,
        fetchInput: fetchState,
        fetchOutput: false,
      },
      { pageSize, continuationToken: token },
    );
    const entities = page.items.flatMap((row) => toEntityStatus(row, fetchState));
    token = page.continuationToken || undefined;
    if (entities.length > 0 || !token || Date.now() - started > EMPTY_PAGE_BUDGET_IN_MS) return { entities, continuationToken: token };
  }
}

function toEntityStatus(row: InstanceState, fetchState: boolean): EntityStatusObject[] {
  const id = parseSchedulerId(row.instanceId);
  if (!id) return [];
  let state: unknown = null;
  if (fetchState) {
    let scheduler;
    try {
      scheduler = parseSchedulerState(row.input);
    } catch {
      return [];
    }
    if (!scheduler.exists) return [];
    state = stateValue(scheduler.state);
  } else if (!statusSaysExists(row.customStatus)) {
    return [];
  }
  // The provider reports the creation time of the current execution (one per batch) as the last operation time.
  return [{ entityId: { name: id.name, key: id.key }, lastOperationTime: jsonNetDate(row.createdTime), state }];
}

const RUNNING_OWNER = new Set(['Running', 'Suspended', 'Pending']);

/** Removes deleted, idle, unlocked entities and releases locks held by orchestrations that are no longer running. */
export async function cleanEntityStorage(
  store: ManagementStore,
  options: { removeEmptyEntities: boolean; releaseOrphanedLocks: boolean },
): Promise<CleanEntityStorageResult> {
  const result: CleanEntityStorageResult = { numberOfEmptyEntitiesRemoved: 0, numberOfOrphanedLocksRemoved: 0 };
  let token: string | undefined;
  do {
    const page = await store.listInstances(
      { instanceIdPrefix: '@', fetchInput: false, fetchOutput: false },
      { pageSize: DEFAULT_ENTITY_PAGE_SIZE, continuationToken: token },
    );
    token = page.continuationToken || undefined;
    await Promise.all(
      page.items.map(async (row) => {
        if (!parseSchedulerId(row.instanceId)) return;
        const status = parseEntityStatus(row.customStatus);
        if (!status) return;
        if (options.releaseOrphanedLocks && status.lockedBy) {
          const owner = await store.getInstance(status.lockedBy, { fetchInput: false });
          if (!owner || !RUNNING_OWNER.has(owner.runtimeStatus)) {
            // The original lock request id is unknown; the entity only compares the owner.
            const release = serializeRelease({ parent: status.lockedBy, id: 'fix-orphaned-lock' });
            await store.sendEvent(row.instanceId, eventRaised(RELEASE_EVENT_NAME, release));
            result.numberOfOrphanedLocksRemoved++;
          }
        }
        if (options.removeEmptyEntities && !status.entityExists && !status.lockedBy && status.queueSize === 0) {
          // Awaited first: `total += await …` reads the total before the wait, and the purges run at once.
          const removed = await store.purgeInstance(row.instanceId);
          result.numberOfEmptyEntitiesRemoved += removed;
        }
      }),
    );
  } while (token);
  return result;
}
