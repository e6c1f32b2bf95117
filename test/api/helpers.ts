// Black-box HTTP tests: an app on a fresh task hub with a known key and a captured log (no worker
// runs in these tests; the instance-state fixture moves instances along instead).

import { BASE, startTestApp, type TestApp, type TestAppOptions } from '../helpers/app.js';
import { assertDocumentedAnswer } from './response-schemas.js';
export { BASE, KEY, type CallOptions, type TestApp } from '../helpers/app.js';
export { setInstanceState } from '../helpers/instance-state.js';

export const LEGACY = '/admin/extensions/DurableTaskExtension';

/** The app for a black-box suite; every answer to `call` is checked against its route's response schema. */
export async function createTestApp(
  options: Pick<TestAppOptions, 'env' | 'keys' | 'events' | 'orchestratorNames' | 'entityNames'> = {},
): Promise<TestApp> {
  const t = await startTestApp({ hubPrefix: 'api', captureLogs: true, ...options });
  const call = t.call.bind(t);
  t.call = async (method, url, callOptions) => {
    const answer = await call(method, url, callOptions);
    await assertDocumentedAnswer(method, url, answer);
    return answer;
  };
  return t;
}

/** Starts an instance through the API and returns its id. */
export async function startInstance(t: TestApp, name = 'Hello', instanceId?: string, body?: string): Promise<string> {
  const path = instanceId ? `${BASE}/orchestrators/${name}/${encodeURIComponent(instanceId)}` : `${BASE}/orchestrators/${name}`;
  const res = await t.call('POST', path, { body, headers: body ? { 'content-type': 'application/json' } : {} });
  if (res.statusCode !== 202) throw new Error(`start failed: ${res.statusCode} ${res.body}`);
  return res.json<{ id: string }>().id;
}
