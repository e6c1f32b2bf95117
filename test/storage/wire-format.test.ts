// Golden samples written by the .NET Durable Task Framework must parse, and what we write must
// have their shape. The samples are vendored in test/fixtures/dtfx (see its README).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeQueueText, eventFromJson, newMessage, parseMessage, serializeMessage } from '../../src/storage/azure/envelope.js';
import { escapeKey, prefixRange, unescapeKey } from '../../src/storage/azure/keys.js';
import { fnv1a32, partitionOf } from '../../src/storage/azure/partitions.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/dtfx');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8').replace(/^\uFEFF/, '');

describe('queue envelope', () => {
  it('reads a control-queue message written by the .NET provider', () => {
    const text = fixture('azurestorage-MessageData-ExecutionStarted.json');
    const message = parseMessage(decodeQueueText(text));
    expect(message.instance).toEqual({
      InstanceId: '2.2-34a2c9d4-306e-4467-8470-a8018b2e4f11',
      ExecutionId: 'aae324dcc8f943e490b37ec5e5bbf9da',
    });
    expect(message.event).toMatchObject({
      EventType: 'ExecutionStarted',
      Name: 'OrchestrationName',
      Version: '2.0',
      Input: 'input',
      EventId: -1,
    });
    expect(message.event.Tags).toEqual({ tag1: 'tagValue' });
    expect(message.sequenceNumber).toBe(40);
    // Base64 text (1.x writers) reads the same.
    expect(parseMessage(decodeQueueText(Buffer.from(text).toString('base64')))).toEqual(message);
  });

  it('reads events serialized by old and new framework versions', () => {
    for (const name of ['SerializedExecutionStartedEvent.json', 'vnext-SerializedExecutionStartedEvent.json']) {
      const event = eventFromJson(JSON.parse(fixture(name)) as Record<string, unknown>);
      expect(event.EventType).toBe('ExecutionStarted');
      expect(Object.keys(event.Tags as object).length).toBeGreaterThan(0);
      expect(JSON.stringify(event)).not.toContain('$type');
    }
    const task = JSON.parse(fixture('v1.0-SerializedTaskMessage.json')) as { Event: Record<string, unknown> };
    expect(eventFromJson(task.Event)).toMatchObject({ EventType: 'SubOrchestrationInstanceCreated', InstanceId: 'InstanceId' });
  });

  it('writes the same shape as the .NET provider: $type first, property order, enum numbers', () => {
    const golden = JSON.parse(fixture('azurestorage-MessageData-ExecutionStarted.json')) as Record<string, unknown>;
    const parsed = parseMessage(golden);
    const ours = JSON.parse(serializeMessage({ ...parsed, activityId: String(golden.ActivityId) })) as Record<string, unknown>;
    expect(Object.keys(ours)).toEqual(Object.keys(golden));
    const goldenTask = golden.TaskMessage as Record<string, Record<string, unknown>>;
    const ourTask = ours.TaskMessage as Record<string, Record<string, unknown>>;
    expect(Object.keys(ourTask).slice(0, 4)).toEqual(Object.keys(goldenTask));
    expect(Object.keys(ourTask.Event)).toEqual(Object.keys(goldenTask.Event));
    expect(ourTask.Event.$type).toBe(goldenTask.Event.$type);
    expect(ourTask.Event.EventType).toBe(0);
    expect(ourTask.OrchestrationInstance).toEqual(goldenTask.OrchestrationInstance);
    expect(ours.Sender).toEqual(golden.Sender);
  });

  it('gives client messages an empty Sender and a null target execution', () => {
    const json = JSON.parse(
      serializeMessage(
        newMessage(
          { InstanceId: 'a', ExecutionId: null },
          { EventType: 'EventRaised', EventId: -1, Name: 'E', Input: '1', Timestamp: '2025-01-01T00:00:00.000Z' },
        ),
      ),
    ) as { Sender: unknown; TaskMessage: { Event: Record<string, unknown>; OrchestrationInstance: Record<string, unknown> } };
    expect(json.Sender).toEqual({ InstanceId: '', ExecutionId: '' });
    expect(json.TaskMessage.Event.$type).toBe('DurableTask.Core.History.EventRaisedEvent');
    expect(json.TaskMessage.Event.EventType).toBe(15);
    expect(json.TaskMessage.OrchestrationInstance.ExecutionId).toBeNull();
  });
});

describe('keys and partitions', () => {
  it('escapes keys like KeySanitation and reverses it', () => {
    expect(escapeKey('a^b/c\\d#e?f')).toBe('a^^b^0c^1d^2e^3f');
    expect(escapeKey('x\u0001y')).toBe('x^\u00c1y');
    for (const raw of ['a^b/c\\d#e?f', 'x\u0001y\u009f', 'plain', '^^']) expect(unescapeKey(escapeKey(raw))).toBe(raw);
    expect(prefixRange('ab')).toEqual({ from: 'ab', to: 'ac' });
  });

  it('routes with FNV-1a 32 over UTF-8 bytes', () => {
    expect(fnv1a32('abc')).toBe(0x1a47e90b);
    expect(partitionOf('abc', 4)).toBe(3);
    expect(partitionOf('abc', 16)).toBe(11);
    expect(partitionOf('myinstance', 4)).toBe(0);
    expect(partitionOf('é', 4)).toBe(1);
  });
});
