// The worker's function registry and the user-code module loader.
//
// Public API for user code (documented in the README): a module given with `TASKHUB_APP` / `--app`
// (a .js path, or .ts where a TypeScript loader is available: see app-module.ts) that default-exports,
// or exports as `register`, a function receiving the registry:
//
// ```ts
// import type { Registry } from 'taskhub/worker';
// export default function register(registry: Registry) {
//   registry.orchestration('Hello', function* (context) {
//     const name = context.df.getInput();
//     return yield context.df.callActivity('SayHello', name);
//   });
//   registry.activity('SayHello', async (name: string) => `Hello ${name}!`);
// }
// ```
// Orchestrators are exactly what `df.app.orchestration` takes (generator functions over the
// `durable-functions` OrchestrationContext); activities are `(input, context) => result | Promise<result>`.

import type { InvocationContext } from '@azure/functions';
import type { EntityContext, OrchestrationContext } from 'durable-functions';
import { importAppModule } from './app-module.js';

/** A generator function exactly as `df.app.orchestration` accepts it. */
export type OrchestratorFunction = (context: OrchestrationContext) => Generator<unknown, unknown, unknown>;

/** The context an activity receives: an InvocationContext plus the calling instance. */
export interface ActivityContext extends InvocationContext {
  /** Instance id of the orchestration that scheduled this activity. */
  readonly instanceId: string;
}

export type ActivityFunction = (input: unknown, context: ActivityContext) => unknown;

/** An entity function exactly as `df.app.entity` accepts it (may be async). */
export type EntityFunction = (context: EntityContext<unknown>) => unknown;

export class Registry {
  readonly orchestrations = new Map<string, OrchestratorFunction>();
  readonly activities = new Map<string, ActivityFunction>();
  readonly entities = new Map<string, EntityFunction>();

  orchestration(name: string, fn: OrchestratorFunction): this {
    if (!name) throw new Error('An orchestration needs a name.');
    this.orchestrations.set(name, fn);
    return this;
  }

  activity(name: string, fn: ActivityFunction): this {
    if (!name) throw new Error('An activity needs a name.');
    this.activities.set(name, fn);
    return this;
  }

  /** Entity names are case-insensitive: entity ids carry them lower-cased. */
  entity(name: string, fn: EntityFunction): this {
    if (!name) throw new Error('An entity needs a name.');
    if (name.includes('@')) throw new Error(`Entity names must not contain '@' (got '${name}').`);
    this.entities.set(name, fn);
    return this;
  }

  findEntity(name: string): EntityFunction | undefined {
    return this.entities.get(name) ?? this.findIgnoringCase(this.entities, name);
  }

  /** Orchestrator names are matched case-insensitively, as the Functions host does. */
  findOrchestration(name: string): OrchestratorFunction | undefined {
    return this.orchestrations.get(name) ?? this.findIgnoringCase(this.orchestrations, name);
  }

  findActivity(name: string): ActivityFunction | undefined {
    return this.activities.get(name) ?? this.findIgnoringCase(this.activities, name);
  }

  private findIgnoringCase<T>(map: Map<string, T>, name: string): T | undefined {
    const lower = name.toLowerCase();
    for (const [key, value] of map) if (key.toLowerCase() === lower) return value;
    return undefined;
  }
}

export type RegisterFunction = (registry: Registry) => void | Promise<void>;

/** Imports the user module and lets it register its functions. */
export async function loadAppModule(path: string, registry: Registry): Promise<void> {
  const mod = await importAppModule(path);
  const candidate = [mod.register, mod.default, (mod.default as Record<string, unknown> | undefined)?.register].find(
    (value) => typeof value === 'function',
  ) as RegisterFunction | undefined;
  if (!candidate) {
    throw new Error(`The app module ${path} must export a register(registry) function (default or named 'register').`);
  }
  await candidate(registry);
}
