// Control-queue routing: FNV-1a (32-bit) over the UTF-8 bytes of the raw instance id, modulo the
// hub's partition count, exactly as the provider's Fnv1aHashHelper so real workers see the same queue.

export function fnv1a32(text: string): number {
  let hash = 2166136261;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 16777619) >>> 0;
  }
  return hash >>> 0;
}

export function partitionOf(instanceId: string, partitionCount: number): number {
  return fnv1a32(instanceId) % partitionCount;
}
