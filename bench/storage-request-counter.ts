// Counts the HTTP requests a storage client makes: a pass-through proxy in front of each Azurite
// endpoint (blob, queue, table). Give the counted party `connectionString` and everyone else the
// direct one; each request is classified by what it does to storage.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { azuriteConnectionString } from '../src/storage/azure/azurite.js';

export interface RequestCounter {
  /** Connection string whose three endpoints go through the counter. */
  connectionString: string;
  /** Requests by kind since the last reset. */
  counts(): Map<string, number>;
  reset(): void;
  close(): Promise<void>;
}

function kindOf(service: string, req: IncomingMessage, answer: string, status: number): string {
  const method = req.method ?? '';
  const url = req.url ?? '';
  if (service === 'queue' && url.includes('/messages')) {
    if (method === 'GET') return answer.includes('<QueueMessage>') ? 'queue receive' : 'queue receive (empty)';
    if (method === 'POST') return 'queue send';
    if (method === 'DELETE') return 'queue delete';
    if (method === 'PUT') return 'queue update visibility';
  }
  if (service === 'table') {
    if (url.includes('$batch')) return 'table batch';
    if (method === 'GET')
      return /\(PartitionKey='[^']*',RowKey='[^']*'\)/.test(decodeURIComponent(url)) ? 'table point read' : 'table query';
    if (method === 'PUT' || method === 'PATCH' || method === 'MERGE') return 'table write';
    if (method === 'POST') return 'table insert';
    if (method === 'DELETE') return 'table delete';
  }
  return `${service} ${method.toLowerCase()}${status >= 400 ? ` ${status}` : ''}`;
}

async function proxy(service: string, targetPort: number, counts: Map<string, number>): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const upstream = request(
        { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => body.push(chunk));
          answer.on('end', () => {
            const text = Buffer.concat(body);
            const kind = kindOf(service, req, text.toString('utf8'), answer.statusCode ?? 0);
            counts.set(kind, (counts.get(kind) ?? 0) + 1);
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(text);
          });
        },
      );
      upstream.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

export async function startRequestCounter(direct: string): Promise<RequestCounter> {
  const port = (name: string) => Number(new RegExp(`${name}=http://[^:]+:(\\d+)`).exec(direct)?.[1]);
  const counts = new Map<string, number>();
  const servers = await Promise.all([
    proxy('blob', port('BlobEndpoint'), counts),
    proxy('queue', port('QueueEndpoint'), counts),
    proxy('table', port('TableEndpoint'), counts),
  ]);
  const [blob, queue, table] = servers.map((s) => (s.address() as AddressInfo).port);
  return {
    connectionString: azuriteConnectionString('127.0.0.1', { blob, queue, table }),
    counts: () => new Map(counts),
    reset: () => counts.clear(),
    close: async () => {
      for (const server of servers) server.closeAllConnections();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}
