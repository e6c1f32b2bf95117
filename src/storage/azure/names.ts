// Resource names of one task hub (tables keep the hub's case; queues and containers are lower-case).

export interface HubResourceNames {
  instancesTable: string;
  historyTable: string;
  partitionsTable: string;
  workItemQueue: string;
  controlQueue(partition: number): string;
  largeMessagesContainer: string;
  leasesContainer: string;
  appLeaseContainer: string;
}

export function hubResourceNames(hub: string): HubResourceNames {
  const lower = hub.toLowerCase();
  return {
    instancesTable: `${hub}Instances`,
    historyTable: `${hub}History`,
    partitionsTable: `${hub}Partitions`,
    workItemQueue: `${lower}-workitems`,
    controlQueue: (partition) => `${lower}-control-${String(partition).padStart(2, '0')}`,
    largeMessagesContainer: `${lower}-largemessages`,
    leasesContainer: `${lower}-leases`,
    appLeaseContainer: `${lower}-applease`,
  };
}
