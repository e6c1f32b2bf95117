// The package version, for build info and the OpenAPI document (read once from package.json).

import { createRequire } from 'node:module';

export const VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
