// Entity messages and scheduler state written by the .NET extension / DurableTask.Core must read
// back, and what taskhub writes must have their exact shape (test/fixtures/entities/README.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entityId, parseSchedulerId, schedulerId } from '../../src/domain/entity-id.js';
import {
  parseRelease,
  parseRequest,
  parseResponse,
  requestEventName,
  scheduledTimeOf,
  serializeRelease,
  serializeRequest,
  serializeResponse,
} from '../../src/domain/entity-messages.js';
import { parseSchedulerState, serializeEntityStatus, serializeSchedulerState } from '../../src/domain/entity-state.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/entities', name), 'utf8').trim();

describe('entity ids', () => {
  it('lower-cases the name and keeps the key, as EntityId.cs does', () => {
    expect(schedulerId(entityId('Counter', 'One'))).toBe('@counter@One');
    expect(parseSchedulerId('@counter@a@b')).toEqual({ name: 'counter', key: 'a@b' });
    expect(parseSchedulerId('@counter@')).toEqual({ name: 'counter', key: '' });
    expect(parseSchedulerId('order-1')).toBeUndefined();
  });
});

describe('entity messages', () => {
  it('round-trips the extension client signal byte for byte', () => {
    const text = fixture('request-client-signal.json');
    const message = parseRequest(text);
    expect(message).toMatchObject({ op: 'add', signal: true, input: '5', parent: null });
    expect(serializeRequest(message)).toBe(text);
  });

  it('reads a DurableTask.Core call and ignores its extra fields', () => {
    const message = parseRequest(fixture('request-native-call.json'));
    expect(message).toMatchObject({ op: 'get', signal: false, parent: 'transfer-42', parentExecution: '9b1deb4d3b7d4bad9bdd2b0d7b3dcb6d' });
    expect(serializeRequest(message)).not.toContain('IsLockRequest');
  });

  it('round-trips a forwarded lock request', () => {
    const text = fixture('request-lock.json');
    const message = parseRequest(text);
    expect(message.lockset).toEqual([
      { name: 'account', key: 'a' },
      { name: 'account', key: 'b' },
    ]);
    expect(message.pos).toBe(1);
    expect(serializeRequest(message)).toBe(text);
  });

  it('round-trips responses and releases', () => {
    for (const name of ['response-ok.json', 'response-error.json']) {
      expect(serializeResponse(parseResponse(fixture(name)))).toBe(fixture(name));
    }
    expect(parseResponse(fixture('response-error.json')).exceptionType).toBe('Error');
    expect(serializeRelease(parseRelease(fixture('release.json')))).toBe(fixture('release.json'));
  });

  it('names scheduled signals op@<round-trip time>', () => {
    const at = new Date('2024-10-01T12:00:00.123Z');
    expect(requestEventName()).toBe('op');
    expect(requestEventName(at)).toBe('op@2024-10-01T12:00:00.1230000Z');
    expect(scheduledTimeOf('op@2024-10-01T12:00:00.1230000Z')?.toISOString()).toBe(at.toISOString());
    expect(scheduledTimeOf('op')).toBeUndefined();
  });
});

describe('scheduler state', () => {
  it('round-trips the extension form, queue, owner and MessageSorter included', () => {
    const text = fixture('scheduler-state-extension.json');
    const state = parseSchedulerState(text);
    expect(state.exists).toBe(true);
    expect(state.state).toBe('{"balance":100}');
    expect(state.lockedBy).toBe('transfer-42');
    expect(state.queue).toHaveLength(1);
    expect(serializeSchedulerState(state)).toBe(text);
    expect(serializeEntityStatus(state)).toBe('{"entityExists":true,"queueSize":1,"lockedBy":"transfer-42"}');
  });

  it('reads the native form, where a state means the entity exists', () => {
    const state = parseSchedulerState(fixture('scheduler-state-native.json'));
    expect(state).toMatchObject({ exists: true, state: '17' });
    expect(serializeSchedulerState(state)).toBe('{"exists":true,"state":"17","sorter":{}}');
  });

  it('treats a null input (implicit deletion) as a fresh entity', () => {
    expect(parseSchedulerState(null).exists).toBe(false);
    expect(serializeEntityStatus(parseSchedulerState(null))).toBe('{}');
    expect(serializeSchedulerState(parseSchedulerState(null))).toBe('{"sorter":{}}');
  });
});
