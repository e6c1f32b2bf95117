// A table endpoint that enforces Azure's 4 MiB limit on entity-group transactions, in front of
// Azurite (which does not): larger `$batch` bodies get 413 RequestBodyTooLarge in Azure's JSON shape.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const AZURE_BATCH_LIMIT_IN_BYTES = 4 * 1024 * 1024;

export interface BatchLimitProxy {
  port: number;
  /** Sizes of the `$batch` bodies seen, accepted or not. */
  batchSizes: number[];
  close(): Promise<void>;
}

export async function startBatchLimitProxy(target: { host: string; port: number }): Promise<BatchLimitProxy> {
  const batchSizes: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
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
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
