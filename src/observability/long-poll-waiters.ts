// Long-poll waiters held: requests waiting in ManagementService.waitForCompletion (the wait routes and
// start-and-wait). Counted around the service, so the service itself stays free of metrics.

import type { ManagementService } from '../services/contract.js';

export function countWaiters(service: ManagementService): { service: ManagementService; waiters: () => number } {
  let waiting = 0;
  const counted: ManagementService = Object.create(service) as ManagementService;
  counted.waitForCompletion = async (...args) => {
    waiting++;
    try {
      return await service.waitForCompletion(...args);
    } finally {
      waiting--;
    }
  };
  return { service: counted, waiters: () => waiting };
}
