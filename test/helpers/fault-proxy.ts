// An HTTP proxy in front of one Azurite endpoint that fails chosen requests the way a network
// does: the connection is reset before the request reaches storage, or after storage applied it
// (the answer is lost), or the request is held on its way, as a stalled link or a busy account
// holds it. Tests point a connection string at it and arm rules.

import { createServer, request as forward, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FaultRule {
  /** Which requests: method, path (with the table name and keys, decoded) and body text. */
  matches(method: string, path: string, body: string): boolean;
  /** How many matching requests to fail (or hold); afterwards the rule is spent. */
  times: number;
  /**
   * Reset before forwarding (nothing applied), after the answer arrived (applied, answer lost), or
   * forward it only after `delayInMs` (applied late).
   */
  when: 'before' | 'after' | 'delay';
  delayInMs?: number;
}

export interface FaultProxy {
  port: number;
  /** Rewrites the endpoint with `targetPort` in a connection string to go through the proxy. */
  route(connectionString: string): string;
  arm(rule: FaultRule): void;
  /** Requests a rule applied to so far (reset or held). */
  failed(): { method: string; path: string }[];
  /**
   * Every request received so far (decoded path), failed or not: for counting storage calls. `at`
   * orders arrivals across all proxies of the process.
   */
  received(): { method: string; path: string; at: number }[];
  /** The most requests held open at once since the proxy started or the last reset. */
  peakInFlight(): number;
  resetPeakInFlight(): void;
  close(): Promise<void>;
}

let arrivals = 0;

function reset(socket: Socket): void {
  // RST rather than FIN: the client sees ECONNRESET, as with a dropped connection.
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}

export async function startFaultProxy(targetHost: string, targetPort: number): Promise<FaultProxy> {
  const rules: (FaultRule & { left: number })[] = [];
  const failures: { method: string; path: string }[] = [];
  const requests: { method: string; path: string; at: number }[] = [];
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let peak = 0;

  const take = (req: IncomingMessage, body: string): FaultRule | undefined => {
    const path = decodeURIComponent(req.url ?? '');
    requests.push({ method: req.method ?? '', path, at: ++arrivals });
    const rule = rules.find((r) => r.left > 0 && r.matches(req.method ?? '', path, body));
    if (!rule) return undefined;
    (rule as { left: number }).left--;
    failures.push({ method: req.method ?? '', path });
    return rule;
  };

  const server: Server = createServer(
    (req, res) =>
      void (async () => {
        peak = Math.max(peak, ++inFlight);
        res.once('close', () => inFlight--);
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const body = Buffer.concat(chunks);
        const rule = take(req, body.toString('utf8'));
        if (rule?.when === 'before') return reset(req.socket);
        if (rule?.when === 'delay') await new Promise((resolve) => setTimeout(resolve, rule.delayInMs ?? 0));
        const upstream = forward(
          { host: targetHost, port: targetPort, method: req.method, path: req.url, headers: req.headers },
          (answer) => {
            if (rule?.when === 'after') {
              answer.resume();
              answer.once('end', () => reset(req.socket));
              return;
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.once('error', () => reset(req.socket));
        upstream.end(body);
      })(),
  );
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    route: (connectionString) => connectionString.replace(`:${targetPort}/`, `:${port}/`),
    arm: (rule) => rules.push({ ...rule, left: rule.times }),
    failed: () => [...failures],
    received: () => [...requests],
    peakInFlight: () => peak,
    resetPeakInFlight: () => {
      peak = inFlight;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
