// The public HTTP API, as any client calls it. The key lives in sessionStorage only (never a URL).

export const BASE = '/runtime/webhooks/durabletask';
const KEY_ITEM = 'taskhub.key';

export const session = {
  key: () => sessionStorage.getItem(KEY_ITEM) || '',
  save: (key) => sessionStorage.setItem(KEY_ITEM, key),
  forget: () => sessionStorage.removeItem(KEY_ITEM),
};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** One call; 4xx/5xx become ApiError with the server's own code and message. */
export async function api(method, path, { query = {}, body, headers = {} } = {}) {
  const url = new URL(BASE + path, location.origin);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, String(value));
  }
  const allHeaders = { 'x-functions-key': session.key(), ...headers };
  if (body !== undefined) allHeaders['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(url, { method, headers: allHeaders, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'Unreachable', 'The server cannot be reached.');
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  if (response.status >= 400) {
    const code = data && typeof data === 'object' && data.error ? data.error : `HTTP ${response.status}`;
    const message = data && typeof data === 'object' && data.message ? data.message : `The server answered ${response.status}.`;
    throw new ApiError(response.status, code, message);
  }
  return { status: response.status, data, headers: response.headers };
}

/** The list filter in the API's query syntax. */
export function filterQuery(filter) {
  return {
    createdTimeFrom: filter.from,
    createdTimeTo: filter.to,
    runtimeStatus: filter.statuses.join(','),
    instanceIdPrefix: filter.prefix,
    name: filter.name,
  };
}

/** The same filter as a batch request's JSON `filter`. */
export function filterBody(filter) {
  const body = {};
  if (filter.from) body.createdTimeFrom = filter.from;
  if (filter.to) body.createdTimeTo = filter.to;
  if (filter.statuses.length) body.runtimeStatus = filter.statuses;
  if (filter.prefix) body.instanceIdPrefix = filter.prefix;
  if (filter.name) body.name = filter.name;
  return body;
}

export const instancePath = (id, suffix = '') => `/instances/${encodeURIComponent(id)}${suffix}`;
