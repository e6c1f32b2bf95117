// A table entity as the service sends it (JSON with minimal metadata: `<name>@odata.type` beside
// each value whose type JSON cannot carry) turned into the shape TableClient.getEntity returns, so a
// row read by point-read.ts is interchangeable with one the SDK read.

type WireEntity = Record<string, unknown>;

const TYPE_SUFFIX = '@odata.type';

/** System properties under the names the SDK gives them. */
const RENAMED = new Map([
  ['PartitionKey', 'partitionKey'],
  ['RowKey', 'rowKey'],
  ['Timestamp', 'timestamp'],
  ['odata.etag', 'etag'],
]);

/** A value with its annotation: JSON strings become dates, 64-bit integers and bytes, as the SDK converts them. */
function typed(value: unknown, type: unknown): unknown {
  switch (type) {
    case 'Edm.DateTime':
      return new Date(String(value));
    case 'Edm.Int64':
      return BigInt(String(value));
    case 'Edm.Binary':
      return Buffer.from(String(value), 'base64');
    case 'Edm.Guid':
      return { value, type: 'Guid' };
    default:
      // Int32, Double, Boolean and String values are already what JSON carried.
      return value;
  }
}

export function fromWireEntity(wire: WireEntity): Record<string, unknown> {
  const entity: Record<string, unknown> = {};
  for (const key of Object.keys(wire)) {
    const value = wire[key];
    // Only strings carry an annotation that changes them (and annotations are strings themselves).
    if (typeof value !== 'string') {
      entity[RENAMED.get(key) ?? key] = value;
      continue;
    }
    if (key.includes(TYPE_SUFFIX)) continue;
    const type = wire[`${key}${TYPE_SUFFIX}`];
    entity[RENAMED.get(key) ?? key] = type === undefined ? value : typed(value, type);
  }
  return entity;
}
