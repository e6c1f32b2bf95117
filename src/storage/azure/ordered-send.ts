// Messages to the same instance are sent one after the other (so the queue sees them in order;
// entity operations from one sender must run in the order they were issued), different
// instances in parallel.

export async function sendInOrder<T extends { instance: { InstanceId: string } }>(
  messages: T[],
  send: (message: T) => Promise<void>,
): Promise<void> {
  const byTarget = new Map<string, T[]>();
  for (const m of messages) {
    const list = byTarget.get(m.instance.InstanceId) ?? [];
    list.push(m);
    byTarget.set(m.instance.InstanceId, list);
  }
  await Promise.all(
    [...byTarget.values()].map(async (list) => {
      for (const m of list) await send(m);
    }),
  );
}
