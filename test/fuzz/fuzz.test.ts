// A slice of the fuzz run in `npm test`; `npm run fuzz` runs 10,000+ cases (test/fuzz/main.ts).

import { describe, expect, it } from 'vitest';
import { azuriteConnectionString, freshHubName } from '../helpers/hub.js';
import { runFuzz } from './run-fuzz.js';

describe('fuzz slice', () => {
  it('answers 300 generated hostile requests without a 5xx, with JSON errors and no secret anywhere', { timeout: 180_000 }, async () => {
    const result = await runFuzz({ connectionString: azuriteConnectionString(), hubName: freshHubName('fz'), count: 300, seed: 9 });
    expect(result.failures).toEqual([]);
    expect(result.cases).toBe(300);
    // The slice reaches past authentication and validation into the services.
    expect(Object.keys(result.histogram).filter((status) => status.startsWith('2')).length).toBeGreaterThan(0);
  });
});
