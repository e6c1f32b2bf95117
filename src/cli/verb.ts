// What a verb is: its options and help, and how it runs against a ManagementService.

import type { HubRef, ManagementService } from '../services/contract.js';
import { stringifyJson } from '../services/json-text.js';
import type { OptionSpecs, Values } from './args.js';
import type { BatchClient } from './batch-client.js';
import type { ProgressStream } from './progress.js';

export interface Io {
  out(text: string): void;
  /** Progress drawings go here (stderr). */
  progressStream: ProgressStream;
}

export interface VerbContext {
  values: Values;
  json: boolean;
  io: Io;
  /** Where relative `@file` paths are read from. */
  cwd: string;
  hub: HubRef;
  /** Whether --url was given (http transport). */
  overHttp: boolean;
  /** Connects lazily: verbs validate all their input before calling this, so bad input sends nothing. */
  service(): Promise<ManagementService>;
  /** Batch operations over the same transport. */
  batches(): Promise<BatchClient>;
}

export interface Verb {
  name: string;
  /** One line for `taskhub --help`. */
  summary: string;
  /** The Core Tools command it mirrors, if any. */
  funcEquivalent?: string;
  /** Positional-free synopsis, e.g. `--id <id> [--reason <text>]`. */
  synopsis: string;
  /** Extra help paragraphs. */
  notes?: string[];
  options: OptionSpecs;
  /** Returns the exit code (0 unless the verb decides otherwise). */
  run(ctx: VerbContext): Promise<number | void>;
}

export const printJson = (io: Io, value: unknown) => io.out(stringifyJson(value, 2));
