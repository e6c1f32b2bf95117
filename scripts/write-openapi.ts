// Writes openapi/openapi.json from the routes' TypeBox schemas (npm run openapi).
// test/api/openapi.test.ts fails when the checked-in document differs from what this produces.

import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { StoreProvider } from '../src/storage/port.js';

export const OPENAPI_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'openapi', 'openapi.json');

/** Storage is never touched while the document is generated. */
const noStorage: StoreProvider = {
  management() {
    throw new Error('the OpenAPI generator does not use storage');
  },
  workItems() {
    throw new Error('the OpenAPI generator does not use storage');
  },
  async close() {},
};

export async function generateOpenApiDocument(): Promise<string> {
  const config = loadConfig({ AzureWebJobsStorage: 'UseDevelopmentStorage=true', TASKHUB_KEYS: 'openapi-generator' });
  const app = await buildApp({ config, stores: noStorage, keys: config.keys });
  try {
    await app.ready();
    return `${JSON.stringify(app.swagger(), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const document = await generateOpenApiDocument();
  await writeFile(OPENAPI_PATH, document);
  console.log(`wrote ${OPENAPI_PATH}`);
}
