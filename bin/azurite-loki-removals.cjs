// Preloaded into the embedded Azurite (`node --require`), next to the watchdog. Azurite keeps its
// queue messages, message bodies ("extents") and blob blocks in LokiJS collections with binary
// indices, and removes documents through LokiJS's batch path (`coll.remove(array)`,
// `findAndRemove`). In lokijs 1.5 that path rebuilds every binary index of the collection from
// scratch (a full sort) on each call, even for an empty batch. Azurite calls it on every queue
// receive and delete (to drop expired messages, usually none) and once per body in its minute-long
// garbage-collection sweep, so the cost of a queue operation grows with every message the emulator
// holds, and a sweep after a busy minute does thousands of full sorts in one go: the emulator
// stops answering for tens of seconds, long enough for a worker's storage calls to time out.
// LokiJS's single-document removal updates the indices in place instead. Small batches are removed
// through it one by one (same documents gone, same indices, no sort); an empty batch does nothing.
'use strict';

const { dirname } = require('node:path');

/**
 * Above this many documents one rebuild is cheaper: a removal adjusts each index in a few linear
 * passes of plain number work, a rebuild sorts it with LokiJS's comparator, tens of times dearer.
 */
const ONE_BY_ONE_AT_MOST = 128;

/** Makes `Collection.prototype.removeBatchByPositions` of a lokijs module cheap for small batches. */
function patchBatchRemovals(Loki) {
  const Collection = Loki.Collection.prototype;
  if (Collection.removeBatchByPositions.cheapSmallBatches) return;
  const rebuilding = Collection.removeBatchByPositions;
  function removeBatchByPositions(positions) {
    if (positions.length === 0) return;
    if (positions.length > ONE_BY_ONE_AT_MOST || !this.adaptiveBinaryIndices) return rebuilding.call(this, positions);
    // Documents first: each removal shifts the positions of the ones after it.
    const docs = positions.map((position) => this.data[position]);
    for (const doc of docs) if (doc) this.remove(doc);
  }
  removeBatchByPositions.cheapSmallBatches = true;
  Collection.removeBatchByPositions = removeBatchByPositions;
}

/** True for Azurite's entry script, the one process this preload is meant for. */
const isAzuriteEntry = (path) => /azurite[\\/]dist[\\/]src[\\/]azurite\.js$/.test(path ?? '');

module.exports = { patchBatchRemovals, isAzuriteEntry, ONE_BY_ONE_AT_MOST };

// As a preload of Azurite (its entry script in argv[1]), patch the lokijs it is about to load.
if (isAzuriteEntry(process.argv[1])) {
  try {
    patchBatchRemovals(require(require.resolve('lokijs', { paths: [dirname(process.argv[1])] })));
  } catch (error) {
    process.stderr.write(`taskhub: lokijs removals left unpatched (${error && error.message})\n`);
  }
}
