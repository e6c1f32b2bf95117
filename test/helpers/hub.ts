// Fresh, valid task hub names so tests never share state.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';

export function freshHubName(prefix = 't'): string {
  return `${prefix}${randomBytes(6).toString('hex')}`.replace(/[^A-Za-z0-9]/g, '').slice(0, 40);
}

export function azuriteConnectionString(): string {
  return inject('azuriteConnectionString');
}
