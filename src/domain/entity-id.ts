// Entity ids as the Durable Functions extension spells them (EntityScheduler/EntityId.cs):
// the scheduler (instance) id is `@{name}@{key}` with the name lower-cased; the key is kept as is.
// Pure: no imports from the rest of src/.

export interface EntityId {
  /** Lower-cased entity name. */
  name: string;
  key: string;
}

/** The HTTP routes' spelling of the empty key (HttpApiHandler's EmptyEntityKeySymbol). */
export const EMPTY_KEY_SYMBOL = '$';

/** Characters the extension refuses in keys of signalled entities: / \ # ? and control characters. */
const INVALID_KEY_CHARACTER = /[/\\#?\u0000-\u001f\u007f-\u009f]/;

export function entityId(name: string, key: string): EntityId {
  return { name: name.toLowerCase(), key };
}

export function isEntityInstanceId(instanceId: string): boolean {
  return instanceId.startsWith('@') && instanceId.indexOf('@', 1) > 0;
}

export function schedulerId(id: EntityId): string {
  return `@${id.name.toLowerCase()}@${id.key}`;
}

/** Prefix of every scheduler id of one entity name, or of all entities when no name is given. */
export function schedulerIdPrefix(name?: string): string {
  return name ? `@${name.toLowerCase()}@` : '@';
}

/** `@name@key` -> { name, key }; undefined for ids that are not entity ids. */
export function parseSchedulerId(instanceId: string): EntityId | undefined {
  if (!isEntityInstanceId(instanceId)) return undefined;
  const at = instanceId.indexOf('@', 1);
  return { name: instanceId.slice(1, at), key: instanceId.slice(at + 1) };
}

/** Why a key cannot be signalled, or undefined when it can. */
export function invalidKeyReason(key: string): string | undefined {
  return INVALID_KEY_CHARACTER.test(key) ? 'Entity keys must not contain /, \\, #, ? or control characters.' : undefined;
}

/**
 * The longest table key the Azure Storage provider can write (1 KiB of UTF-16; Azurite checks the
 * same 512). An entity's scheduler id, escaped, keys its Instances and History rows, so a longer one
 * could be signalled but never checkpointed.
 */
export const MAX_STORED_KEY_LENGTH = 512;

/** Characters the provider's key escaping (storage/azure/keys.ts) writes as two: ^ / \ # ? and control characters. */
const ESCAPED_AS_TWO = /[\^/\\#?\u0000-\u001f\u007f-\u009f]/g;

/** Why an entity cannot be stored under its id, or undefined when it can. */
export function tooLongReason(id: EntityId): string | undefined {
  const scheduler = schedulerId(id);
  const stored = scheduler.length + (scheduler.match(ESCAPED_AS_TWO)?.length ?? 0);
  return stored > MAX_STORED_KEY_LENGTH
    ? `The entity ID is too long: its instance ID '@name@key' takes ${stored} characters as a storage key, at most ${MAX_STORED_KEY_LENGTH} fit.`
    : undefined;
}

/** Why a name cannot address an entity, or undefined when it can. */
export function invalidNameReason(name: string): string | undefined {
  if (!name) return 'The entity name must not be empty.';
  if (name.includes('@')) return "Entity names must not contain '@'.";
  return undefined;
}
