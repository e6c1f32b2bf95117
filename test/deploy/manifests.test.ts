// The deployment files are parsed and checked against the app itself: every probe and health
// check path is a route the built app serves without a key, ports match the server's, and the
// server accepts the arguments the Deployments pass.
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig, parseFlags } from '../../src/config.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { serveWorkerEndpoints } from '../../src/observability/worker-endpoints.js';
import { createTestApp, type TestApp } from '../api/helpers.js';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  envFrom?: { secretRef?: { name: string } }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
}
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: {
    selector?: { matchLabels?: Record<string, string> } & Record<string, string>;
    template?: {
      metadata: { labels: Record<string, string> };
      spec: { containers: Container[]; securityContext?: { runAsNonRoot?: boolean } };
    };
    ports?: { port: number; targetPort: string | number }[];
  };
  stringData?: Record<string, string>;
}

const K8S_DIR = 'deploy/k8s/';
const manifests: Manifest[] = readdirSync(new URL(K8S_DIR, root))
  .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml')
  .flatMap((file) => parseAllDocuments(read(K8S_DIR + file)).map((doc) => doc.toJS() as Manifest));
const byKind = (kind: string) => manifests.filter((m) => m.kind === kind);
const deployment = (component: string) =>
  byKind('Deployment').find((d) => d.spec?.template?.metadata.labels['app.kubernetes.io/component'] === component)!;
const container = (d: Manifest) => d.spec!.template!.spec.containers[0];

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

/** A path the app serves without a key: anything but 404 (no route) or 401 (needs the key). */
async function expectPublicRoute(path: string): Promise<void> {
  const res = await t.call('GET', path, { noKey: true });
  expect({ path, status: res.statusCode }).toEqual({ path, status: expect.toSatisfy((s: number) => s === 200 || s === 503) });
}

describe('Kubernetes manifests', () => {
  it('lists every file in the kustomization', () => {
    const kustomization = parse(read(`${K8S_DIR}kustomization.yaml`)) as { resources: string[] };
    const files = readdirSync(new URL(K8S_DIR, root)).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it('has an API Deployment, a worker Deployment, a Service and a Secret', () => {
    expect(byKind('Deployment')).toHaveLength(2);
    expect(byKind('Service')).toHaveLength(1);
    expect(byKind('Secret')).toHaveLength(1);
    for (const d of byKind('Deployment')) expect(d.spec?.template?.spec.securityContext?.runAsNonRoot).toBe(true);
  });

  it('probes the API at routes the app serves without a key, on the port it listens on', async () => {
    const api = container(deployment('api'));
    const port = api.ports!.find((p) => p.name === 'http')!;
    expect(port.containerPort).toBe(loadConfig({}).port);
    expect(api.livenessProbe?.httpGet?.port).toBe('http');
    expect(api.readinessProbe?.httpGet?.port).toBe('http');
    expect(api.livenessProbe?.httpGet?.path).toBe('/health');
    expect(api.readinessProbe?.httpGet?.path).toBe('/health/ready');
    await expectPublicRoute(api.livenessProbe!.httpGet!.path);
    await expectPublicRoute(api.readinessProbe!.httpGet!.path);
    // Readiness says more than liveness: ready only when the hub exists.
    expect((await t.call('GET', api.readinessProbe!.httpGet!.path, { noKey: true })).json()).toEqual({
      status: 'ready',
      storage: 'ok',
      taskHub: 'present',
    });
  });

  it('runs the server with arguments it accepts: API without worker, workers without listener', () => {
    const api = container(deployment('api'));
    const worker = container(deployment('worker'));
    for (const c of [api, worker]) expect(c.command).toEqual(['node', '--import', './dist/signals.js', 'dist/server.js']);
    expect(loadConfig({}, api.args).worker).toBe(false);
    expect(loadConfig({}, worker.args)).toMatchObject({ workerOnly: true, worker: true });
    expect(parseFlags(worker.args!)).toEqual({ TASKHUB_WORKER_ONLY: 'true', TASKHUB_METRICS_PORT: '9464' });
    expect(worker.ports).toEqual([{ name: 'metrics', containerPort: loadConfig({}, worker.args).metricsPort }]);
  });

  it('probes workers at routes their metrics listener serves without a key, on its port', async () => {
    const worker = container(deployment('worker'));
    const endpoints = await serveWorkerEndpoints({
      host: '127.0.0.1',
      port: 0,
      metrics: createMetrics('test'),
      keys: ['k'],
      public: false,
      ready: () => true,
    });
    try {
      for (const probe of [worker.livenessProbe, worker.readinessProbe]) {
        expect(probe?.httpGet?.port).toBe('metrics');
        const res = await fetch(`${endpoints.url}${probe!.httpGet!.path}`);
        expect({ path: probe!.httpGet!.path, status: res.status }).toEqual({ path: probe!.httpGet!.path, status: 200 });
      }
    } finally {
      await endpoints.close();
    }
  });

  it('takes the keys from the Secret and routes the Service to ready API pods', () => {
    const secret = byKind('Secret')[0];
    expect(Object.keys(secret.stringData ?? {}).sort()).toEqual(['AzureWebJobsStorage', 'TASKHUB_KEYS']);
    for (const d of byKind('Deployment')) expect(container(d).envFrom).toEqual([{ secretRef: { name: secret.metadata.name } }]);
    const service = byKind('Service')[0];
    const api = deployment('api');
    expect(service.spec?.selector).toEqual(api.spec?.template?.metadata.labels);
    expect(service.spec?.ports?.[0].targetPort).toBe('http');
  });
});

describe('docker-compose.yml', () => {
  interface ComposeService {
    image?: string;
    build?: { target?: string };
    environment?: Record<string, string>;
    volumes?: string[];
    depends_on?: Record<string, { condition: string }>;
    healthcheck?: { test: string[] };
  }
  const compose = parse(read('docker-compose.yml')) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };

  it('runs taskhub and Microsoft’s Azurite image as separate services on named volumes', () => {
    const { taskhub, azurite } = compose.services;
    expect(azurite.image).toMatch(/^mcr\.microsoft\.com\/azure-storage\/azurite:/);
    expect(taskhub.build?.target).toBe('slim');
    expect(taskhub.depends_on).toEqual({ azurite: { condition: 'service_healthy' } });
    for (const service of [taskhub, azurite]) {
      const [volume] = service.volumes![0].split(':');
      expect(Object.keys(compose.volumes)).toContain(volume);
      expect(service.healthcheck?.test[0]).toBe('CMD');
    }
    expect(taskhub.environment?.AzureWebJobsStorage).toContain('QueueEndpoint=http://azurite:10001/');
  });

  it('checks taskhub’s health at a route the app serves without a key', async () => {
    const script = compose.services.taskhub.healthcheck!.test.join(' ');
    const url = /http:\/\/127\.0\.0\.1:(\d+)(\/[^'"]*)/.exec(script);
    expect(Number(url?.[1])).toBe(loadConfig({}).port);
    await expectPublicRoute(url![2]);
  });
});
