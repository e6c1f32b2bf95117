// What the embedded Azurite's LokiJS preload (bin/azurite-lokijs.cjs) saves: the same steady
// queue traffic (send, receive, delete, as a worker does) against the emulator without and with it,
// long enough for Azurite's minute-long garbage-collection sweep to run at least once. Prints, per
// variant, the request latencies (the worst one is the sweep's pause), the messages moved and the
// emulator's CPU per message. Nothing of taskhub runs here but the Azurite launcher.
// npx tsx bench/azurite-queue-churn.ts [--rate 100] [--seconds 75]
import { parseArgs } from 'node:util';
import { QueueServiceClient } from '@azure/storage-queue';
import { startAzurite } from '../src/storage/azure/azurite.js';
import { cpuSecondsOf, percentile, printFigures, type Figure } from './scale-support.js';

const LOOPS = 8;
/** About the size of a taskhub control-queue message. */
const BODY = JSON.stringify({ payload: 'x'.repeat(400) });

interface Churn {
  messages: number;
  latenciesMs: number[];
  azuriteCpuMsPerMessage: number;
  /** Requests still unanswered when the run gave up waiting (the emulator was stuck). */
  unanswered: number;
}

async function churn(withoutLokiFixes: boolean, ratePerSecond: number, seconds: number): Promise<Churn> {
  const azurite = await startAzurite({ withoutLokiFixes });
  const queue = QueueServiceClient.fromConnectionString(azurite.connectionString).getQueueClient('churn');
  await queue.create();
  const latenciesMs: number[] = [];
  const timed = async <T>(request: Promise<T>): Promise<T> => {
    const began = performance.now();
    const value = await request;
    latenciesMs.push(performance.now() - began);
    return value;
  };
  const cpu = cpuSecondsOf(azurite.pid);
  const endAt = performance.now() + seconds * 1000;
  const perLoopGapMs = (1000 * LOOPS) / ratePerSecond;
  let messages = 0;
  let inFlight = 0;
  const loop = async () => {
    while (performance.now() < endAt) {
      const began = performance.now();
      inFlight++;
      await timed(queue.sendMessage(BODY));
      const received = await timed(queue.receiveMessages({ numberOfMessages: 1, visibilityTimeout: 30 }));
      for (const m of received.receivedMessageItems) await timed(queue.deleteMessage(m.messageId, m.popReceipt));
      inFlight--;
      messages += received.receivedMessageItems.length;
      await new Promise((r) => setTimeout(r, Math.max(0, perLoopGapMs - (performance.now() - began))));
    }
  };
  // A stuck emulator must not hold the benchmark forever: give the loops two minutes past the end.
  const loops = Promise.all(Array.from({ length: LOOPS }, loop));
  await Promise.race([loops, new Promise((r) => setTimeout(r, seconds * 1000 + 120_000))]);
  const azuriteCpuMsPerMessage = ((cpuSecondsOf(azurite.pid) - cpu) * 1000) / Math.max(1, messages);
  const unanswered = inFlight;
  await azurite.stop();
  return { messages, latenciesMs, azuriteCpuMsPerMessage, unanswered };
}

function figure(label: string, c: Churn): Figure {
  const p = (q: number) => percentile(c.latenciesMs, q).toFixed(1);
  const worst = Math.max(...c.latenciesMs) / 1000;
  return {
    figure: `queue churn, Azurite ${label}`,
    value:
      `${c.messages} messages; request p50 ${p(50)} ms, p99 ${p(99)} ms, worst ${worst.toFixed(1)} s` +
      `${c.unanswered ? `, ${c.unanswered} never answered` : ''}; Azurite CPU ${c.azuriteCpuMsPerMessage.toFixed(2)} ms per message`,
    baseline: '-',
    goal: 'no pause over 1 s',
    met: worst < 1 && c.unanswered === 0,
  };
}

const { values } = parseArgs({ options: { rate: { type: 'string' }, seconds: { type: 'string' } } });
const rate = Number(values.rate ?? 100);
const seconds = Number(values.seconds ?? 75);
console.log(`${LOOPS} loops, ${rate} messages/s in all, ${seconds} s per variant (Azurite's sweep runs every 60 s)`);
const without = await churn(true, rate, seconds);
const withPreload = await churn(false, rate, seconds);
printFigures([figure('as published (no preload)', without), figure('as taskhub runs it (preload)', withPreload)]);
