// Starting orchestrations: check-status payload, headers, stored row and control-queue message,
// input handling, id rules, conflicts, the orchestrator registry check.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, KEY, LEGACY, createTestApp, setInstanceState, startInstance, type TestApp } from './helpers.js';
import { fnv1a, instanceRow, peekControlMessages } from './storage-peek.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('POST /orchestrators/{name}', () => {
  it('answers 202 with the check-status payload, Location and Retry-After: 10', async () => {
    const res = await t.call('POST', `${BASE}/orchestrators/Hello`, {
      body: '{"city":"Tokyo"}',
      headers: { 'content-type': 'application/json', host: 'example.test:8080' },
    });
    expect(res.statusCode).toBe(202);
    const body = res.json() as Record<string, string>;
    expect(body.id).toMatch(/^[0-9a-f]{32}$/);
    const base = `http://example.test:8080${BASE}/instances/${body.id}`;
    const q = `taskHub=${t.hub}&connection=Storage&code=${KEY}`;
    expect(body).toEqual({
      id: body.id,
      statusQueryGetUri: `${base}?${q}`,
      sendEventPostUri: `${base}/raiseEvent/{eventName}?${q}`,
      terminatePostUri: `${base}/terminate?reason={text}&${q}`,
      purgeHistoryDeleteUri: `${base}?${q}`,
      restartPostUri: `${base}/restart?${q}`,
      suspendPostUri: `${base}/suspend?reason={text}&${q}`,
      resumePostUri: `${base}/resume?reason={text}&${q}`,
      rewindPostUri: `${base}/rewind?reason={text}&${q}`,
    });
    expect(res.headers.location).toBe(body.statusQueryGetUri);
    expect(res.headers['retry-after']).toBe('10');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('stores a Pending row and an ExecutionStarted message on the FNV-1a control queue', async () => {
    const id = 'stored-state-check';
    await startInstance(t, 'Hello', id, '{"n":42}');
    const row = await instanceRow(t.hub, id);
    expect(row).toMatchObject({ Name: 'Hello', RuntimeStatus: 'Pending', Input: '{"n":42}' });
    expect(row?.ExecutionId).toMatch(/^[0-9a-f]{32}$/);

    const messages = (await peekControlMessages(t.hub)).filter(
      (m) => (m.json.TaskMessage as { OrchestrationInstance: { InstanceId: string } }).OrchestrationInstance.InstanceId === id,
    );
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message.queue).toBe(`${t.hub.toLowerCase()}-control-${String(fnv1a(id) % 4).padStart(2, '0')}`);
    expect(Object.keys(message.json)[0]).toBe('$type');
    expect(message.json.$type).toBe('DurableTask.AzureStorage.MessageData');
    expect(message.json.Sender).toEqual({ InstanceId: '', ExecutionId: '' });
    const event = (message.json.TaskMessage as { Event: Record<string, unknown> }).Event;
    expect(event).toMatchObject({ EventType: 0, Name: 'Hello', Input: '{"n":42}', EventId: -1 });
    expect((event.OrchestrationInstance as { ExecutionId: string }).ExecutionId).toBe(row?.ExecutionId);
  });

  it('takes the body as input whatever the content type; empty body means null input', async () => {
    const plain = await t.call('POST', `${BASE}/orchestrators/Hello/input-plain`, {
      body: '[1,2]',
      headers: { 'content-type': 'text/plain' },
    });
    expect(plain.statusCode).toBe(202);
    const none = await t.call('POST', `${BASE}/orchestrators/Hello/input-none`, { headers: { 'content-type': 'application/json' } });
    expect(none.statusCode).toBe(202);
    const emptyString = await t.call('POST', `${BASE}/orchestrators/Hello/input-empty-string`, { body: '""' });
    expect(emptyString.statusCode).toBe(202);

    const input = async (id: string) => (await t.call('GET', `${BASE}/instances/${id}`)).json().input as unknown;
    expect(await input('input-plain')).toEqual([1, 2]);
    expect(await input('input-none')).toBeNull();
    expect(await input('input-empty-string')).toBe('');
    expect((await instanceRow(t.hub, 'input-none'))?.Input ?? null).toBeNull();
  });

  it('rejects invalid JSON with 400 InvalidJson and stores nothing', async () => {
    const res = await t.call('POST', `${BASE}/orchestrators/Hello/bad-json`, {
      body: '{"a":',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'InvalidJson' });
    expect(await instanceRow(t.hub, 'bad-json')).toBeUndefined();
  });

  it('rejects JSON nested deeper than a .NET worker reads (64 levels) with 400, accepts 64', async () => {
    const nested = (depth: number) => '['.repeat(depth) + '"[{\\"]"' + ']'.repeat(depth);
    const deep = await t.call('POST', `${BASE}/orchestrators/Hello/too-deep`, {
      body: nested(5000),
      headers: { 'content-type': 'application/json' },
    });
    expect(deep.statusCode).toBe(400);
    expect(deep.json()).toMatchObject({ error: 'InvalidJson' });
    expect(await instanceRow(t.hub, 'too-deep')).toBeUndefined();
    const ok = await t.call('POST', `${BASE}/orchestrators/Hello/deep-enough`, {
      body: nested(64),
      headers: { 'content-type': 'application/json' },
    });
    expect(ok.statusCode).toBe(202);
  });

  it('records the version query parameter', async () => {
    await t.call('POST', `${BASE}/orchestrators/Hello/versioned?version=2.1`);
    expect((await instanceRow(t.hub, 'versioned'))?.Version).toBe('2.1');
  });

  it('encodes ids in URLs with %20, never +', async () => {
    const res = await t.call('POST', `${BASE}/orchestrators/Hello/${encodeURIComponent('order 42+x')}`);
    expect(res.statusCode).toBe(202);
    expect(res.json().id).toBe('order 42+x');
    expect(res.json().statusQueryGetUri).toContain('/instances/order%2042%2Bx?');
    const status = await t.call('GET', new URL(res.json().statusQueryGetUri as string).pathname + '?code=' + KEY);
    expect(status.json().instanceId).toBe('order 42+x');
  });

  it('accepts ids of 256 characters and refuses longer, @-prefixed or forbidden ones, storing nothing', async () => {
    expect((await t.call('POST', `${BASE}/orchestrators/Hello/${'a'.repeat(256)}`)).statusCode).toBe(202);
    for (const id of ['z'.repeat(257), '@counter@x', 'with#hash', 'back\\slash', 'q?mark', 'tab\tchar', 'slash/inside']) {
      const res = await t.call('POST', `${BASE}/orchestrators/Hello/${encodeURIComponent(id)}`);
      expect(res.statusCode, id).toBe(400);
      expect(res.json(), id).toMatchObject({ error: 'InvalidInstanceId' });
    }
    const list = (await t.call('GET', `${BASE}/instances?instanceIdPrefix=z`)).json() as unknown[];
    expect(list).toEqual([]);
  });

  it('answers 409 for an id that is still active and allows reuse after it finished', async () => {
    const id = 'dedupe-me';
    await startInstance(t, 'Hello', id);
    const again = await t.call('POST', `${BASE}/orchestrators/Hello/${id}`);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: 'InstanceStateConflict' });
    for (const status of ['Running', 'Suspended', 'ContinuedAsNew'] as const) {
      await setInstanceState(t.store, id, status);
      expect((await t.call('POST', `${BASE}/orchestrators/Hello/${id}`)).statusCode, status).toBe(409);
    }
    await setInstanceState(t.store, id, 'Completed', { output: '"done"' });
    const reuse = await t.call('POST', `${BASE}/orchestrators/Hello/${id}`);
    expect(reuse.statusCode).toBe(202);
    expect((await t.call('GET', `${BASE}/instances/${id}`)).json()).toMatchObject({ runtimeStatus: 'Pending', output: null });
  });

  it('is served under the 1.x prefix too', async () => {
    const res = await t.call('POST', `${LEGACY}/orchestrators/Hello/legacy-start`);
    expect(res.statusCode).toBe(202);
    expect(res.json().statusQueryGetUri).toContain(`${BASE}/instances/legacy-start?`);
  });

  it('start-and-wait validates timeout and pollingInterval before starting', async () => {
    for (const query of ['timeout=1&pollingInterval=2', 'timeout=-1', 'timeout=abc', 'timeout=1&pollingInterval=x', 'pollingInterval=1']) {
      const res = await t.call('POST', `${BASE}/orchestrators/Hello/never-started?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error, query).toBe('InvalidQueryParameter');
    }
    expect(await instanceRow(t.hub, 'never-started')).toBeUndefined();
  });

  it('start-and-wait answers 202 check-status when the instance does not finish in time', async () => {
    const started = Date.now();
    const res = await t.call('POST', `${BASE}/orchestrators/Hello/wait-timeout?timeout=0.3&pollingInterval=0.1`);
    expect(res.statusCode).toBe(202);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(res.headers['retry-after']).toBe('10');
    expect(res.headers.location).toBe(res.json().statusQueryGetUri);
  });
});

describe('orchestrator registry check', () => {
  let withRegistry: TestApp;
  beforeAll(async () => {
    withRegistry = await createTestApp({ orchestratorNames: () => ['HelloSequence'] });
  });
  afterAll(async () => {
    await withRegistry.close();
  });

  it('refuses unknown names with 400 and matches known names case-insensitively', async () => {
    const unknown = await withRegistry.call('POST', `${BASE}/orchestrators/Nope`);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: 'UnknownOrchestrator' });
    const known = await withRegistry.call('POST', `${BASE}/orchestrators/hellosequence/reg-1`);
    expect(known.statusCode).toBe(202);
    // The caller's spelling is stored, as the extension stores it.
    expect((await instanceRow(withRegistry.hub, 'reg-1'))?.Name).toBe('hellosequence');
  });
});

describe('docs sample starters at the root', () => {
  it('POST /orchestrators/{name} starts and answers with the check-status payload', async () => {
    const res = await t.call('POST', '/orchestrators/Hello', { body: '{"x":1}' });
    expect(res.statusCode).toBe(202);
    expect(res.json().statusQueryGetUri).toContain(`${BASE}/instances/${res.json().id as string}?`);
    expect(res.headers['retry-after']).toBe('10');
  });

  it('POST /orchestrators/{name}/wait answers 202 after the timeout and validates retryInterval', async () => {
    const res = await t.call('POST', '/orchestrators/Hello/wait?timeout=0.2&retryInterval=0.05');
    expect(res.statusCode).toBe(202);
    const bad = await t.call('POST', '/orchestrators/Hello/wait?timeout=1&retryInterval=5');
    expect(bad.statusCode).toBe(400);
  });
});
