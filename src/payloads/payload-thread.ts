// One worker thread, shared by the process, for the CPU work a large payload costs: decoding and
// checking a request body as JSON, and serialising and gzipping what goes to a blob. On the event
// loop a megabyte costs tens of milliseconds of such work; 200 of them at once held /health for
// seconds. The thread starts on first use and does not keep the process alive when idle.
// Nothing here knows HTTP or storage; callers decide what is large (see LARGE_PAYLOAD_BYTES).

import { Worker } from 'node:worker_threads';
import { PAYLOAD_THREAD_SOURCE } from './thread-source.js';

interface Job {
  op: string;
  args: unknown;
  transfer: ArrayBuffer[];
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export type ParsedJsonBody = { text: string; error?: undefined } | { error: 'depth' | 'invalid'; text?: undefined };

export interface Gzipped {
  gz: Buffer;
  /** Uncompressed size in bytes. */
  size: number;
}

/**
 * One job is on the thread at a time; the rest wait here. Handing over a megabyte (either way) costs
 * the event loop a few milliseconds, and a burst of results arriving together is delivered in one
 * go, so queueing here keeps each event-loop turn to one such hand-over.
 */
class PayloadThread {
  private worker: Worker | undefined;
  private running: Job | undefined;
  private readonly queue: Job[] = [];

  private start(): Worker {
    const worker = new Worker(PAYLOAD_THREAD_SOURCE, { eval: true });
    worker.on('message', (message: { result?: unknown; error?: string }) => {
      const job = this.running;
      this.running = undefined;
      if (message.error !== undefined) job?.reject(new Error(message.error));
      else job?.resolve(message.result);
      this.next();
    });
    // A thread that dies fails the job it held; the next job starts a new one.
    const fail = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      const job = this.running;
      this.running = undefined;
      job?.reject(error);
      this.next();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`payload thread exited (${code})`)));
    return worker;
  }

  private next(): void {
    const job = this.queue.shift();
    if (!job) {
      this.worker?.unref(); // idle: it does not keep the process alive
      return;
    }
    this.worker ??= this.start();
    this.worker.ref();
    this.running = job;
    this.worker.postMessage({ op: job.op, args: job.args }, job.transfer);
  }

  run<T>(op: string, args: unknown, transfer: ArrayBuffer[] = []): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, args, transfer, resolve: resolve as (value: unknown) => void, reject });
      if (!this.running) this.next();
    });
  }
}

const thread = new PayloadThread();

const handOver = (bytes: Uint8Array): ArrayBuffer[] =>
  bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength && bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : [];

const toBuffer = (gzipped: { gz: Uint8Array; size: number }): Gzipped => ({
  gz: Buffer.from(gzipped.gz.buffer, gzipped.gz.byteOffset, gzipped.gz.byteLength),
  size: gzipped.size,
});

/** UTF-8 bytes -> the trimmed text when it is JSON nested at most `maxDepth` deep ('' when blank). */
export function parseJsonOffThread(bytes: Uint8Array, maxDepth: number): Promise<ParsedJsonBody> {
  // Bytes that own their whole memory are handed over rather than copied (`bytes` is unusable after).
  return thread.run<ParsedJsonBody>('parseJson', { bytes, maxDepth }, handOver(bytes));
}

/** gzip(UTF-8(JSON.stringify(value))); `value` is copied to the thread, never stringified here. */
export async function gzipJsonOffThread(value: unknown): Promise<Gzipped> {
  return toBuffer(await thread.run('gzipJson', { value }));
}

export async function gzipTextOffThread(text: string): Promise<Gzipped> {
  return toBuffer(await thread.run('gzipText', { text }));
}

/** UTF-8 text of gzipped bytes, inflated and decoded on the thread (`gz` is handed over when it owns its memory). */
export async function gunzipTextOffThread(gz: Uint8Array): Promise<string> {
  return (await thread.run<{ text: string }>('gunzipText', { gz }, handOver(gz))).text;
}

/** JSON.parse of the UTF-8 text of gzipped bytes, all on the thread; throws SyntaxError's message for bad JSON. */
export async function gunzipJsonOffThread(gz: Uint8Array): Promise<unknown> {
  return (await thread.run<{ value: unknown }>('gunzipJson', { gz }, handOver(gz))).value;
}
