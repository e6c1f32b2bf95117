// Store operations counted and timed by operation name, without the storage code knowing: the
// composition root wraps the store provider, and every store it hands out is wrapped in turn.
// Any method returning a promise is measured; everything else passes through untouched.

import type { Metrics } from './metrics.js';

function instrumentObject<T extends object>(target: T, metrics: Metrics): T {
  const wrappers = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string' || prop === 'constructor') return value;
      let wrapper = wrappers.get(prop);
      if (!wrapper) {
        const method = value as (...args: unknown[]) => unknown;
        // Called on the target, like the adapter's own error guard: calls a store makes on itself are
        // part of the operation being measured, not operations of their own.
        wrapper = (...args: unknown[]) => {
          const started = process.hrtime.bigint();
          const result = method.apply(obj, args);
          if (!(result instanceof Promise)) return result;
          const observe = (outcome: 'ok' | 'error') => {
            metrics.storageOperations.inc({ operation: prop, outcome });
            metrics.storageDuration.observe({ operation: prop }, Number(process.hrtime.bigint() - started) / 1e9);
          };
          return result.then(
            (resolved: unknown) => {
              observe('ok');
              return resolved;
            },
            (error: unknown) => {
              observe('error');
              throw error;
            },
          );
        };
        wrappers.set(prop, wrapper);
      }
      return wrapper;
    },
  });
}

/** Wraps a store provider: each store it returns (synchronously) has its async methods measured. */
export function instrumentStores<P extends object>(provider: P, metrics: Metrics): P {
  const wrapped = new WeakMap<object, object>();
  return new Proxy(provider, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(obj, args);
        if (result === null || typeof result !== 'object' || result instanceof Promise) return result;
        let store = wrapped.get(result);
        if (!store) {
          store = instrumentObject(result, metrics);
          wrapped.set(result, store);
        }
        return store;
      };
    },
  });
}
