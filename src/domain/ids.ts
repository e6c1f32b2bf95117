// Instance and execution ids: generated ones are 32 lowercase hex digits (a GUID without dashes,
// as the extension makes them); given instance ids follow the extension's rules so that every id
// we accept is also valid for the real framework and its storage keys.

import { randomUUID } from 'node:crypto';
import { DomainError } from './errors.js';

export const MAX_INSTANCE_ID_LENGTH = 256;

const newGuidText = () => randomUUID().replaceAll('-', '');

export function newInstanceId(): string {
  return newGuidText();
}

export function newExecutionId(): string {
  return newGuidText();
}

/** Control characters as .NET's char.IsControl sees them (C0, DEL and C1). */
const FORBIDDEN = /[/\\#?\u0000-\u001f\u007f-\u009f]/;

/** Throws InvalidInstanceId for ids the framework would refuse to create. */
export function assertValidInstanceId(instanceId: string): void {
  const why =
    instanceId.length === 0
      ? 'must not be empty'
      : instanceId.length > MAX_INSTANCE_ID_LENGTH
        ? `must be at most ${MAX_INSTANCE_ID_LENGTH} characters long`
        : instanceId.startsWith('@')
          ? "must not start with '@' (reserved for entities)"
          : FORBIDDEN.test(instanceId)
            ? "must not contain '/', '\\', '#', '?' or control characters"
            : undefined;
  if (why) throw new DomainError('InvalidInstanceId', `The instance ID ${why}.`);
}
