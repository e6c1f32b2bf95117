// Reads what the API wrote, straight from Azurite with the Azure SDK (independent of the store code).

import { TableClient, TableServiceClient, odata } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import { azuriteConnectionString } from '../helpers/hub.js';

/** FNV-1a 32-bit over the UTF-8 bytes, as the Azure Storage provider picks control queues. */
export function fnv1a(text: string): number {
  let hash = 2166136261;
  for (const byte of Buffer.from(text, 'utf8')) hash = Math.imul(hash ^ byte, 16777619) >>> 0;
  return hash >>> 0;
}

export interface PeekedMessage {
  queue: string;
  text: string;
  json: Record<string, unknown>;
}

export async function peekControlMessages(hub: string, partitionCount = 4): Promise<PeekedMessage[]> {
  const service = QueueServiceClient.fromConnectionString(azuriteConnectionString());
  const found: PeekedMessage[] = [];
  for (let partition = 0; partition < partitionCount; partition++) {
    const queue = `${hub.toLowerCase()}-control-${String(partition).padStart(2, '0')}`;
    const peeked = await service.getQueueClient(queue).peekMessages({ numberOfMessages: 32 });
    for (const message of peeked.peekedMessageItems) {
      found.push({ queue, text: message.messageText, json: JSON.parse(message.messageText) as Record<string, unknown> });
    }
  }
  return found;
}

/** The Instances row of an id that needs no key escaping. */
export async function instanceRow(hub: string, instanceId: string): Promise<Record<string, unknown> | undefined> {
  const table = TableClient.fromConnectionString(azuriteConnectionString(), `${hub}Instances`, { allowInsecureConnection: true });
  try {
    return await table.getEntity(instanceId, '');
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}

export async function tableExists(name: string): Promise<boolean> {
  const service = TableServiceClient.fromConnectionString(azuriteConnectionString(), { allowInsecureConnection: true });
  for await (const table of service.listTables({ queryOptions: { filter: odata`TableName eq ${name}` } })) {
    if (table.name === name) return true;
  }
  return false;
}
