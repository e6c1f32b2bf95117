// In-process notifications of instance state changes. The worker calls `notify` after each
// checkpoint, so waits in the same process answer at once instead of at the next polling tick.

import { EventEmitter } from 'node:events';
import type { RuntimeStatus } from '../domain/index.js';

export interface InstanceChange {
  taskHub: string;
  instanceId: string;
  runtimeStatus: RuntimeStatus;
}

const QUEUED = Symbol('queued');

/**
 * When the local worker began processing an instance's control-queue partition without a break
 * (epoch ms), or undefined when it does not process it now. While it does, it notifies every
 * checkpoint of that instance here.
 */
export type OwnershipProbe = (instanceId: string) => Promise<number | undefined>;

export class InstanceEvents {
  private readonly emitter = new EventEmitter();
  private readonly probes = new Map<string, OwnershipProbe>();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  notify(change: InstanceChange): void {
    this.emitter.emit(key(change.taskHub, change.instanceId), change);
  }

  /**
   * A client operation enqueued a control-queue message for `taskHub`: for `instanceId` when it is
   * known (the worker then wakes only the partition that receives it), else for any instance.
   */
  queued(taskHub: string, instanceId?: string): void {
    this.emitter.emit(QUEUED, taskHub, instanceId);
  }

  onQueued(listener: (taskHub: string, instanceId?: string) => void): () => void {
    this.emitter.on(QUEUED, listener);
    return () => this.emitter.off(QUEUED, listener);
  }

  /** The local worker declares which instances of `taskHub` it processes (and so notifies). */
  cover(taskHub: string, probe: OwnershipProbe): () => void {
    const k = taskHub.toLowerCase();
    this.probes.set(k, probe);
    return () => {
      if (this.probes.get(k) === probe) this.probes.delete(k);
    };
  }

  /** See OwnershipProbe; undefined when no local worker serves `taskHub`. */
  async ownedSince(taskHub: string, instanceId: string): Promise<number | undefined> {
    const probe = this.probes.get(taskHub.toLowerCase());
    return probe ? probe(instanceId) : undefined;
  }

  /** Calls `listener` on each change of one instance until the returned function is called. */
  subscribe(taskHub: string, instanceId: string, listener: (change: InstanceChange) => void): () => void {
    const k = key(taskHub, instanceId);
    this.emitter.on(k, listener);
    return () => this.emitter.off(k, listener);
  }
}

const key = (taskHub: string, instanceId: string) => `${taskHub.toLowerCase()}\u0000${instanceId}`;
