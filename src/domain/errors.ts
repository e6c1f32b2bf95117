// Domain errors with stable codes. Only src/plugins/error-handler.ts maps them to HTTP statuses.

export type ErrorCode =
  | 'BadRequest'
  | 'InvalidInstanceId'
  | 'InvalidJson'
  | 'InvalidQueryParameter'
  | 'UnknownOrchestrator'
  | 'UnknownEntity'
  | 'UnknownConnection'
  | 'InvalidTaskHubName'
  | 'TaskHubNotFound'
  | 'InstanceNotFound'
  | 'EntityNotFound'
  | 'InstanceGone'
  | 'InstanceStateConflict'
  | 'InstanceNotFailed'
  | 'NothingToPurge'
  | 'BatchNotFound'
  | 'Unauthorized'
  | 'Forbidden'
  | 'PayloadTooLarge'
  | 'UnsupportedMediaType'
  | 'RouteNotFound'
  | 'CheckpointConflict'
  | 'StorageUnavailable'
  | 'InternalError';

export class DomainError extends Error {
  /** What went wrong underneath, for the log only: responses carry `code` and `message`, never this. */
  detail?: string;

  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

export const badRequest = (message: string) => new DomainError('BadRequest', message);
export const invalidQuery = (name: string, why: string) => new DomainError('InvalidQueryParameter', `Query parameter '${name}' ${why}.`);
export const instanceNotFound = (id: string) => new DomainError('InstanceNotFound', `No instance with ID '${id}' was found.`);
export const instanceGone = (id: string, status: string) =>
  new DomainError('InstanceGone', `Instance '${id}' is ${status} and can no longer accept this operation.`);
export const stateConflict = (message: string) => new DomainError('InstanceStateConflict', message);
/**
 * Error codes of failures below HTTP, where storage never answered: refused, reset, timed out, no
 * route, no name. The storage adapter turns them into StorageUnavailable; the error handler catches
 * any that slip past it, so both read this one list.
 */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'REQUEST_SEND_ERROR',
]);

/** `why` (a network error code, or the attempt time limit) goes to the log, so a 503 can be traced to its cause. */
export function storageUnavailable(why?: string): DomainError {
  const error = new DomainError('StorageUnavailable', 'The task hub storage is unreachable; try again later.');
  if (why) error.detail = why;
  return error;
}

/** Thrown by the store when another writer checkpointed first (409/412 on the sentinel). */
export class CheckpointConflict extends DomainError {
  constructor(instanceId: string) {
    super('CheckpointConflict', `Another worker updated the history of '${instanceId}' first.`);
  }
}
