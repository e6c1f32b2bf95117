// The two ways a command fails besides DomainErrors from the service.

/** A problem with the command line itself: exit code 2, and nothing is sent anywhere. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The operation ran but did not end well (e.g. `wait` saw Failed): exit code 1. */
export class OperationFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OperationFailed';
  }
}
