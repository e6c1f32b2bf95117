// A start input over the queue and table limits, as the Azure Storage provider lays it out, read
// back from Azurite with the SDK: the start message goes to one gzip blob that the Instances row
// points at; once the worker has run the first episode, the history row's input blob is the one
// the Instances row points at (one blob, not a copy). The text comes back byte for byte.

import { gunzipSync } from 'node:zlib';
import { TableClient } from '@azure/data-tables';
import { ContainerClient } from '@azure/storage-blob';
import { afterEach, describe, expect, it } from 'vitest';
import { BASE, pollStatus, startTestApp, type TestApp } from '../helpers/app.js';
import { azuriteConnectionString } from '../helpers/hub.js';
import { instanceRow, peekControlMessages } from '../api/storage-peek.js';

/** About `bytes` of JSON that JSON.parse + JSON.stringify would change, with escapes and non-ASCII text. */
function largeInput(bytes: number): string {
  const items: string[] = [];
  for (let i = 0, size = 0; size < bytes; i++) {
    const item = `{"id":${12345678901234567890n + BigInt(i)},"ratio":1.0,"city":"Zürich ✓ 東京 😀","note":"a \\"q\\"\\n\\u00e9"}`;
    items.push(item);
    size += Buffer.byteLength(item) + 1;
  }
  return ` [${items.join(',')}]\n`;
}

const INPUT = largeInput(1.2 * 1024 * 1024);
const STORED = INPUT.trim();

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const container = (hub: string) => new ContainerClient(azuriteConnectionString(), `${hub.toLowerCase()}-largemessages`);
const blobText = async (hub: string, name: string) =>
  gunzipSync(await container(hub).getBlockBlobClient(name).downloadToBuffer()).toString('utf8');
const blobNameOf = (hub: string, url: unknown) => {
  const base = `${container(hub).url}/`;
  expect(String(url).startsWith(base)).toBe(true);
  return String(url).slice(base.length).split('/').map(decodeURIComponent).join('/');
};

async function start(app: TestApp, instanceId: string, body: string, name = 'HumanApproval') {
  const res = await app.call('POST', `${BASE}/orchestrators/${name}/${instanceId}`, {
    body,
    headers: { 'content-type': 'application/json' },
  });
  return res;
}

describe('a start input of more than 1 MB', () => {
  it('goes to one message blob that the queue message and the Instances row both reference', async () => {
    t = await startTestApp({ hubPrefix: 'big' });
    expect((await start(t, 'big-pending', INPUT)).statusCode).toBe(202);

    const row = await instanceRow(t.hub, 'big-pending');
    const blobName = blobNameOf(t.hub, row?.Input);
    expect(blobName).toMatch(/^big-pending\/message-[0-9a-f]{32}-ExecutionStarted\.json\.gz$/);
    const [message] = (await peekControlMessages(t.hub)).filter((m) => m.json.CompressedBlobName);
    expect(message.json).toMatchObject({ TaskMessage: null, CompressedBlobName: blobName });
    const inBlob = JSON.parse(await blobText(t.hub, blobName)) as { TaskMessage: { Event: { Input: string } } };
    expect(inBlob.TaskMessage.Event.Input).toBe(STORED);

    const status = await t.call('GET', `${BASE}/instances/big-pending`);
    expect(status.body).toContain(`"input":${STORED},`);
  });

  it('is stored once the worker has run: the Instances row points at the history row blob', async () => {
    t = await startTestApp({ hubPrefix: 'big', worker: true });
    expect((await start(t, 'big-running', INPUT)).statusCode).toBe(202);
    const status = await pollStatus(t, 'big-running', (s) => s.runtimeStatus === 'Running', 'showInput=false', 60_000);
    expect(status.runtimeStatus).toBe('Running');

    const history = TableClient.fromConnectionString(azuriteConnectionString(), `${t.hub}History`, { allowInsecureConnection: true });
    const rows: Record<string, unknown>[] = [];
    for await (const row of history.listEntities({ queryOptions: { filter: "PartitionKey eq 'big-running'" } })) rows.push(row);
    const started = rows.find((row) => row.EventType === 'ExecutionStarted');
    expect(started).toMatchObject({ Input: '' });
    const historyBlob = String(started?.InputBlobName);
    expect(historyBlob).toMatch(
      new RegExp(`^big-running/history-${String(started?.rowKey)}-ExecutionStarted-[0-9a-f]{8}-Input\\.json\\.gz$`),
    );
    expect(await blobText(t.hub, historyBlob)).toBe(STORED);
    expect(blobNameOf(t.hub, (await instanceRow(t.hub, 'big-running'))?.Input)).toBe(historyBlob);

    // No Instances-column copy (history--Input-…): besides the start message's blob, which goes
    // with its message once the episode is released, the history blob is the only one.
    const names: string[] = [];
    for await (const blob of container(t.hub).listBlobsFlat({ prefix: 'big-running/' })) names.push(blob.name);
    expect(names.filter((name) => !name.includes('/message-'))).toEqual([historyBlob]);

    const read = await t.call('GET', `${BASE}/instances/big-running?showInput=true`);
    expect(read.body).toContain(`"input":${STORED},`);
  });

  it('is refused with a JSON 400 when it is not JSON or nests too deep', async () => {
    t = await startTestApp({ hubPrefix: 'big' });
    const broken = await start(t, 'big-broken', `${INPUT.slice(0, -10)}`);
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ error: 'InvalidJson' });
    const deep = await start(t, 'big-deep', `[${INPUT},${'['.repeat(70)}${']'.repeat(70)}]`);
    expect(deep.statusCode).toBe(400);
    expect(deep.json()).toMatchObject({ error: 'InvalidJson', message: expect.stringContaining('deeper') as unknown });
    expect(await instanceRow(t.hub, 'big-broken')).toBeUndefined();
    expect(await instanceRow(t.hub, 'big-deep')).toBeUndefined();
  });

  it('raises event data of more than 1 MB exactly as sent', async () => {
    t = await startTestApp({ hubPrefix: 'big' });
    expect((await start(t, 'big-event', '{}')).statusCode).toBe(202);
    const raised = await t.call('POST', `${BASE}/instances/big-event/raiseEvent/Approval`, {
      body: INPUT,
      headers: { 'content-type': 'application/json' },
    });
    expect(raised.statusCode).toBe(202);
    const [message] = (await peekControlMessages(t.hub)).filter((m) => String(m.json.CompressedBlobName).includes('EventRaised'));
    const inBlob = JSON.parse(await blobText(t.hub, String(message.json.CompressedBlobName))) as {
      TaskMessage: { Event: { Input: string } };
    };
    expect(inBlob.TaskMessage.Event.Input).toBe(STORED);
  });
});
