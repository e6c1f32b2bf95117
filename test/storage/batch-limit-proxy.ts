// A table endpoint that enforces Azure's 4 MiB limit on entity-group transactions, in front of
// Azurite (which does not): larger `$batch` bodies get 413 RequestBodyTooLarge in Azure's JSON shape.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const AZURE_BATCH_LIMIT_IN_BYTES = 4 * 1024 * 1024;

export interface BatchLimitProxy {
  port: number;
  /** Sizes of the `$batch` bodies seen, accepted or not. */
  batchSizes: number[];
  /**
   * Columns written as Edm.Int32 whose value was not a JSON number. Azure's JSON format carries
   * Int32 values as numbers (only Int64 goes as a string); Azurite takes either.
   */
  int32NotNumbers: string[];
  /** How many Edm.Int32 columns were written at all. */
  int32Columns: number;
  close(): Promise<void>;
}

export async function startBatchLimitProxy(target: { host: string; port: number }): Promise<BatchLimitProxy> {
  const batchSizes: number[] = [];
  const int32NotNumbers: string[] = [];
  let int32Columns = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = body.toString('utf8');
      for (const [, name] of text.matchAll(/"([^"]+)@odata\.type":"Edm\.Int32"/g)) {
        int32Columns++;
        const value = new RegExp(`"${name}":\\s*([^,}\\s])`).exec(text)?.[1];
        if (value === undefined || !/[-0-9]/.test(value)) int32NotNumbers.push(name);
      }
      if (req.url?.includes('$batch')) {
        batchSizes.push(body.length);
        if (body.length > AZURE_BATCH_LIMIT_IN_BYTES) {
          const error = {
            'odata.error': {
              code: 'RequestBodyTooLarge',
              message: { lang: 'en-US', value: 'The request body is too large and exceeds the maximum permissible limit.' },
            },
          };
          res.writeHead(413, {
            'content-type': 'application/json;odata=minimalmetadata;streaming=true;charset=utf-8',
            'x-ms-error-code': 'RequestBodyTooLarge',
          });
          res.end(JSON.stringify(error));
          return;
        }
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
    batchSizes,
    int32NotNumbers,
    get int32Columns() {
      return int32Columns;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
