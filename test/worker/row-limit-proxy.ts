// A table endpoint that refuses oversized rows the way Azure Table storage refuses an entity over its
// 1 MiB limit (400 EntityTooLarge) or a body over its batch limit (413 RequestBodyTooLarge), with
// the limit scaled down so a test reaches it with one history row that large-message offload
// leaves in the table (Azurite enforces neither). Every other request goes through unchanged.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Refusal {
  status: 400 | 413;
  code: 'EntityTooLarge' | 'RequestBodyTooLarge';
}

export interface RowLimitProxy {
  port: number;
  /** How an oversized `$batch` is answered (default 400 EntityTooLarge); tests may switch it. */
  answer: Refusal;
  /** `$batch` requests refused so far, with the first 2,000 characters of their body. */
  refused: string[];
  close(): Promise<void>;
}

/** Each operation of a `$batch` is one part of its changeset: its length bounds the row's size. */
const largestOperation = (body: string) => Math.max(0, ...body.split(/--changeset_[\w-]+/).map((part) => Buffer.byteLength(part, 'utf8')));

export async function startRowLimitProxy(target: { host: string; port: number }, rowLimitInBytes: number): Promise<RowLimitProxy> {
  const refused: string[] = [];
  const settings = { answer: { status: 400, code: 'EntityTooLarge' } as Refusal };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = body.toString('utf8');
      if (req.url?.includes('$batch') && largestOperation(text) > rowLimitInBytes) {
        refused.push(text.slice(0, 2000));
        const { status, code } = settings.answer;
        const value =
          code === 'EntityTooLarge'
            ? 'The entity is larger than the maximum allowed size.'
            : 'The request body is too large and exceeds the maximum permissible limit.';
        const error = { 'odata.error': { code, message: { lang: 'en-US', value } } };
        res.writeHead(status, { 'content-type': 'application/json;odata=minimalmetadata;charset=utf-8', 'x-ms-error-code': code });
        res.end(JSON.stringify(error));
        return;
      }
      const upstream = request(
        { host: target.host, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get answer() {
      return settings.answer;
    },
    set answer(value: Refusal) {
      settings.answer = value;
    },
    refused,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
