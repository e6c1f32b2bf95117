// The Durable Entities routes (the extension's `entities/{entityName?}/{entityKey?}`).

import type { App, RouteDeps } from '../route-context.js';
import type { SchemaScope } from '../route-schema.js';
import { registerCleanEntityStorage } from './clean-entity-storage.js';
import { registerGetEntity } from './get-entity.js';
import { registerListEntities } from './list-entities.js';
import { registerSignalEntity } from './signal-entity.js';

export function registerEntityRoutes(app: App, deps: RouteDeps, scope: SchemaScope): void {
  registerGetEntity(app, deps, scope);
  registerSignalEntity(app, deps, scope);
  registerListEntities(app, deps, scope);
  registerCleanEntityStorage(app, deps, scope);
}
