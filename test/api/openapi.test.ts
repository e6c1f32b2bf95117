// The checked-in OpenAPI document must match what the routes generate (run `npm run openapi`).

import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_PATH, generateOpenApiDocument } from '../../scripts/write-openapi.js';
import { createTestApp, type TestApp } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('OpenAPI document', () => {
  it('is up to date in openapi/openapi.json (run npm run openapi after changing routes)', async () => {
    const checkedIn = await readFile(OPENAPI_PATH, 'utf8');
    expect(await generateOpenApiDocument()).toBe(checkedIn);
  });

  it('is served at /openapi.json with the key as security schemes and named shared schemas', async () => {
    const res = await t.call('GET', '/openapi.json', { noKey: true });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as {
      openapi: string;
      paths: Record<string, Record<string, { operationId?: string }>>;
      components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
      security: unknown[];
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes).toMatchObject({
      functionsKey: { type: 'apiKey', in: 'header', name: 'x-functions-key' },
      code: { type: 'apiKey', in: 'query', name: 'code' },
    });
    expect(doc.security).toEqual([{ functionsKey: [] }, { code: [] }]);
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['ErrorResponse', 'OrchestrationStatus', 'CheckStatusPayload', 'PurgeHistoryResult', 'RuntimeStatus']),
    );
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /runtime/webhooks/durabletask/orchestrators/{functionName}',
        'POST /runtime/webhooks/durabletask/orchestrators/{functionName}/{instanceId}',
        'GET /runtime/webhooks/durabletask/instances',
        'DELETE /runtime/webhooks/durabletask/instances',
        'GET /runtime/webhooks/durabletask/instances/{instanceId}',
        'DELETE /runtime/webhooks/durabletask/instances/{instanceId}',
        'POST /runtime/webhooks/durabletask/instances/{instanceId}/raiseEvent/{eventName}',
        'POST /runtime/webhooks/durabletask/instances/{instanceId}/terminate',
        'POST /runtime/webhooks/durabletask/instances/{instanceId}/suspend',
        'POST /runtime/webhooks/durabletask/instances/{instanceId}/resume',
        'POST /runtime/webhooks/durabletask/instances/{instanceId}/rewind',
        'POST /runtime/webhooks/durabletask/instances/{instanceId}/restart',
        'GET /runtime/webhooks/durabletask/instances/{instanceId}/wait',
        'POST /orchestrators/{functionName}',
        'POST /orchestrators/{functionName}/wait',
        'GET /health',
      ]),
    );
    // The 1.x prefix serves the same operations but is not repeated in the document.
    expect(operations.some((o) => o.includes('/admin/extensions'))).toBe(false);
  });

  it('documents the 401 of every operation that needs the key', async () => {
    const doc = (await t.call('GET', '/openapi.json', { noKey: true })).json() as {
      paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
    };
    const keyed = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, operation]) => operation.security?.length !== 0)
        .map(([method, operation]) => ({ operation: `${method.toUpperCase()} ${path}`, responses: Object.keys(operation.responses) })),
    );
    expect(keyed.map((o) => o.operation)).toContain('GET /metrics');
    for (const { operation, responses } of keyed) expect([operation, responses]).toEqual([operation, expect.arrayContaining(['401'])]);
    // Each 401 is the JSON error body, also on /metrics, whose 200 is text.
    const metrics401 = doc.paths['/metrics'].get.responses['401'] as { content: Record<string, unknown> };
    expect(Object.keys(metrics401.content)).toEqual(['application/json']);
    const answer = await t.call('GET', '/metrics', { noKey: true });
    expect([answer.statusCode, answer.headers['content-type']]).toEqual([401, expect.stringMatching(/^application\/json/)]);
  });
});
