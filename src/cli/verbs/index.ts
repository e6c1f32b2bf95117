// Every verb, in the order `taskhub --help` lists them.
import type { Verb } from '../verb.js';
import { BATCH_VERBS } from './batch-verbs.js';
import { cleanEntityStorage, getEntity, listEntities, signalEntity } from './entity-verbs.js';
import { deleteTaskHub, getInstances, purgeHistory } from './hub-verbs.js';
import { getRuntimeStatus, purge, raiseEvent, restart, resume, rewind, startNew, suspend, terminate } from './instance-verbs.js';
import { getHistory, wait } from './observe-verbs.js';

export const VERBS: readonly Verb[] = [
  startNew,
  getRuntimeStatus,
  getHistory,
  getInstances,
  terminate,
  raiseEvent,
  rewind,
  purgeHistory,
  deleteTaskHub,
  suspend,
  resume,
  restart,
  purge,
  wait,
  getEntity,
  signalEntity,
  listEntities,
  cleanEntityStorage,
  ...BATCH_VERBS,
];
