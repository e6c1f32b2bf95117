// All routes: the management API under the webhook base path and, hidden from the OpenAPI
// document, under the Functions 1.x prefix; the docs' sample starters and /health at the root.

import { WEBHOOK_BASE_PATH } from '../services/management-urls.js';
import { registerBatchGet } from './batch-get.js';
import { registerBatchStart } from './batch-start.js';
import { registerCounts } from './counts.js';
import { registerDeleteTaskHub } from './delete-task-hub.js';
import { registerEntityRoutes } from './entities/index.js';
import { registerGetStatus } from './get-status.js';
import { registerHealth } from './health.js';
import type { App, RouteDeps } from './route-context.js';
import { registerInstanceActions } from './instance-actions.js';
import { registerOrchestratorNames } from './orchestrator-names.js';
import { registerList } from './list.js';
import { registerPurge } from './purge.js';
import { registerRaiseEvent } from './raise-event.js';
import { registerRestart } from './restart.js';
import type { SchemaScope } from './route-schema.js';
import { registerSampleStarters } from './sample-start.js';
import { registerStart } from './start.js';
import { registerWait } from './wait.js';
import { registerWhoAmI } from './whoami.js';

export const LEGACY_BASE_PATH = '/admin/extensions/DurableTaskExtension';

function registerManagementRoutes(app: App, deps: RouteDeps, scope: SchemaScope): void {
  registerStart(app, deps, scope);
  registerList(app, deps, scope);
  registerCounts(app, deps, scope);
  registerGetStatus(app, deps, scope);
  registerPurge(app, deps, scope);
  registerRaiseEvent(app, deps, scope);
  registerInstanceActions(app, deps, scope);
  registerRestart(app, deps, scope);
  registerWait(app, deps, scope);
  registerDeleteTaskHub(app, deps, scope);
  registerEntityRoutes(app, deps, scope);
  registerOrchestratorNames(app, deps, scope);
  registerWhoAmI(app, scope);
  registerBatchStart(app, deps, scope);
  registerBatchGet(app, deps, scope);
}

export async function registerRoutes(app: App, deps: RouteDeps): Promise<void> {
  await app.register(
    (scope, _options, done) => {
      registerManagementRoutes(scope, deps, { hidden: false });
      done();
    },
    { prefix: WEBHOOK_BASE_PATH },
  );
  await app.register(
    (scope, _options, done) => {
      registerManagementRoutes(scope, deps, { hidden: true });
      done();
    },
    { prefix: LEGACY_BASE_PATH },
  );
  registerSampleStarters(app, deps);
  registerHealth(app, deps);
}
