#!/usr/bin/env node
// The `taskhub` executable: registers tsx so the TypeScript sources run as they are, then hands over.
// Imports are relative to this file, so it works from any working directory.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
