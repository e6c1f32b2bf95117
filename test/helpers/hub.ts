// Fresh, valid task hub names so tests never share state, and the suite's Azurite address.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';

export function freshHubName(prefix = 't'): string {
  return `${prefix}${randomBytes(6).toString('hex')}`.replace(/[^A-Za-z0-9]/g, '').slice(0, 40);
}

export function azuriteConnectionString(): string {
  return inject('azuriteConnectionString');
}

type Service = 'blob' | 'queue' | 'table';
const ENDPOINT: Record<Service, string> = { blob: 'BlobEndpoint', queue: 'QueueEndpoint', table: 'TableEndpoint' };

/** The loopback ports of the suite's Azurite, per service (to put a proxy in front of one). */
export function azuritePorts(): Record<Service, number> {
  const text = azuriteConnectionString();
  const portOf = (service: Service) => Number(new RegExp(`${ENDPOINT[service]}=https?://[^:/]+:(\\d+)/`).exec(text)?.[1]);
  return { blob: portOf('blob'), queue: portOf('queue'), table: portOf('table') };
}

/**
 * The suite's Azurite connection string with some services moved to other loopback ports: a proxy
 * in front of Azurite, or a closed port for unreachable storage.
 */
export function azuriteConnectionStringVia(ports: Partial<Record<Service, number>>): string {
  let text = azuriteConnectionString();
  for (const [service, port] of Object.entries(ports) as [Service, number][]) {
    text = text.replace(new RegExp(`(${ENDPOINT[service]}=https?://[^:/]+:)\\d+/`), `$1${port}/`);
  }
  return text;
}

/** The emulator's account key, which no answer or log line may ever show. */
export function azuriteAccountKey(): string {
  return /AccountKey=([^;]+)/.exec(azuriteConnectionString())?.[1] ?? '';
}
