// Storage connections as Azure Functions reads them: a setting holding a connection string, or
// identity-based settings sharing the setting's name as a prefix (`<name>__accountName`, or
// `<name>__tableServiceUri` / `__queueServiceUri` / `__blobServiceUri`, with `__credential`,
// `__clientId`, ...). Config keeps every connection as one string, so an identity connection is
// carried as `identity:<json>`; the storage adapter turns it back into endpoints and a credential.

export interface IdentityConnection {
  tableServiceUri: string;
  queueServiceUri: string;
  blobServiceUri: string;
  /** managedidentity: the hosting environment's identity only; default: the DefaultAzureCredential chain. */
  credential: 'managedidentity' | 'clientsecret' | 'default';
  /** User-assigned managed identity (or app registration, with clientSecret). */
  clientId?: string;
  /** User-assigned managed identity by resource id, instead of clientId. */
  managedIdentityResourceId?: string;
  tenantId?: string;
  clientSecret?: string;
}

const PREFIX = 'identity:';
const SERVICES = ['table', 'queue', 'blob'] as const;

export class ConnectionSettingError extends Error {}

/** Settings named `<prefix>__<property>` (property case-insensitive, as the Functions host reads them). */
function prefixedSettings(env: Record<string, string | undefined>, prefix: string): Map<string, string> {
  const start = `${prefix}__`.toLowerCase();
  const found = new Map<string, string>();
  for (const [name, value] of Object.entries(env)) {
    if (value && name.toLowerCase().startsWith(start)) found.set(name.slice(start.length).toLowerCase(), value.trim());
  }
  return found;
}

function serviceUri(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConnectionSettingError(`${name} must be an absolute URL such as https://account.table.core.windows.net, got '${value}'.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConnectionSettingError(`${name} must be an http(s) URL.`);
  return value.replace(/\/+$/, '');
}

/**
 * The identity connection defined by `<prefix>__*` settings, undefined when there are none.
 * Throws ConnectionSettingError naming what is missing when they are incomplete.
 */
export function readIdentityConnection(env: Record<string, string | undefined>, prefix: string): IdentityConnection | undefined {
  const settings = prefixedSettings(env, prefix);
  if (settings.size === 0) return undefined;
  const account = settings.get('accountname');
  const uris: Partial<Record<(typeof SERVICES)[number], string>> = {};
  for (const service of SERVICES) {
    const given = settings.get(`${service}serviceuri`);
    if (given) uris[service] = serviceUri(`${prefix}__${service}ServiceUri`, given);
    else if (account) {
      if (!/^[a-z0-9]{3,24}$/.test(account)) {
        throw new ConnectionSettingError(
          `${prefix}__accountName must be a storage account name (3-24 lower-case letters and digits), got '${account}'.`,
        );
      }
      uris[service] = `https://${account}.${service}.core.windows.net`;
    }
  }
  const missing = SERVICES.filter((service) => !uris[service]);
  if (missing.length > 0) {
    throw new ConnectionSettingError(
      `${prefix} has identity settings but no ${missing.map((s) => `${prefix}__${s}ServiceUri`).join(', ')}: ` +
        `set ${prefix}__accountName, or all of ${prefix}__tableServiceUri, __queueServiceUri and __blobServiceUri (taskhub uses tables, queues and blobs).`,
    );
  }
  const credentialSetting = settings.get('credential')?.toLowerCase();
  if (credentialSetting !== undefined && credentialSetting !== 'managedidentity') {
    throw new ConnectionSettingError(`${prefix}__credential may only be 'managedidentity', got '${settings.get('credential')}'.`);
  }
  const clientId = settings.get('clientid');
  const tenantId = settings.get('tenantid');
  const clientSecret = settings.get('clientsecret');
  const managedIdentityResourceId = settings.get('managedidentityresourceid');
  if (clientId && managedIdentityResourceId) {
    throw new ConnectionSettingError(`Set either ${prefix}__clientId or ${prefix}__managedIdentityResourceId, not both.`);
  }
  const usesSecret = credentialSetting === undefined && clientSecret !== undefined;
  if (usesSecret && (!tenantId || !clientId)) {
    throw new ConnectionSettingError(`${prefix}__clientSecret needs ${prefix}__tenantId and ${prefix}__clientId.`);
  }
  return {
    tableServiceUri: uris.table!,
    queueServiceUri: uris.queue!,
    blobServiceUri: uris.blob!,
    credential: credentialSetting === 'managedidentity' ? 'managedidentity' : usesSecret ? 'clientsecret' : 'default',
    ...(clientId ? { clientId } : {}),
    ...(managedIdentityResourceId ? { managedIdentityResourceId } : {}),
    ...(tenantId ? { tenantId } : {}),
    ...(usesSecret ? { clientSecret } : {}),
  };
}

export function encodeIdentityConnection(connection: IdentityConnection): string {
  return PREFIX + JSON.stringify(connection);
}

/** The identity connection carried by a connection value, or undefined for a connection string. */
export function decodeIdentityConnection(value: string): IdentityConnection | undefined {
  return value.startsWith(PREFIX) ? (JSON.parse(value.slice(PREFIX.length)) as IdentityConnection) : undefined;
}

/**
 * The value of the connection setting `name`: its connection string when set (an exact match wins,
 * as in the Functions host), else its identity settings, else undefined.
 */
export function readConnectionSetting(env: Record<string, string | undefined>, name: string): string | undefined {
  const direct = env[name]?.trim();
  if (direct) return direct;
  const identity = readIdentityConnection(env, name);
  return identity ? encodeIdentityConnection(identity) : undefined;
}
