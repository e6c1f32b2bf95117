// Malformed connection strings are a configuration error found at start-up, said plainly and
// without repeating the string (it holds the account key). The SDK's own errors for some shapes
// are internals (`Cannot read properties of undefined`), so the shape is checked first.

import { TableServiceClient } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import { BlobServiceClient } from '@azure/storage-blob';
import { decodeIdentityConnection } from '../../connection-settings.js';
import { expandConnectionString } from './clients.js';

const SHAPE =
  'it should look like DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...;EndpointSuffix=core.windows.net, or name BlobEndpoint, QueueEndpoint and TableEndpoint with a SharedAccessSignature';

/** Why a connection string cannot be used, in words that never quote it; undefined when usable. */
export function connectionStringProblem(connectionString: string): string | undefined {
  const expanded = expandConnectionString(connectionString);
  const parts = expanded.split(';').filter((part) => part.trim() !== '');
  if (parts.length === 0 || parts.some((part) => !/^\s*[A-Za-z]+\s*=/.test(part))) {
    return `every part must be Name=value separated by ';' (${SHAPE})`;
  }
  for (const create of [
    (text: string) => TableServiceClient.fromConnectionString(text),
    (text: string) => QueueServiceClient.fromConnectionString(text),
    (text: string) => BlobServiceClient.fromConnectionString(text),
  ]) {
    try {
      create(expanded);
    } catch (error) {
      const message = error instanceof Error ? error.message : '';
      // The SDK's own messages name a missing or invalid part; anything else is an internal slip.
      return /^Invalid [A-Za-z]+ in the provided/.test(message) ? `${message.replace(/\.$/, '')} (${SHAPE})` : SHAPE;
    }
  }
  return undefined;
}

/** Throws for the first configured connection whose string is unusable. */
export function checkConnectionStrings(connections: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(connections)) {
    // Identity-based connections were checked when the configuration was read.
    if (!value || decodeIdentityConnection(value)) continue;
    const problem = connectionStringProblem(value);
    if (problem) throw new Error(`connection '${name}' is not a valid storage connection string: ${problem}.`);
  }
}
