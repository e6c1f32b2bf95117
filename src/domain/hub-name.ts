// Task hub names: what the Azure Storage provider accepts (its table, queue and container names
// are derived from the hub name, so the strictest of those rules applies).

const HUB_NAME = /^[A-Za-z][A-Za-z0-9]{2,44}$/;

/** The rule in words, for error messages. */
export const HUB_NAME_RULE = '3-45 letters or digits starting with a letter';

export function isValidHubName(name: string): boolean {
  return HUB_NAME.test(name);
}
