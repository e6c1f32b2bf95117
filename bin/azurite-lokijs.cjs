// Preloaded into the embedded Azurite (`node --require`), next to the watchdog: two fixes to the
// LokiJS store Azurite keeps its tables, queue messages, message bodies ("extents") and blob blocks
// in. Both leave every answer as it was and only change how much work LokiJS does to reach it.
//
// Removals. Azurite removes documents through LokiJS's batch path (`coll.remove(array)`,
// `findAndRemove`), which in lokijs 1.5 rebuilds every binary index of the collection with a full
// sort on each call, even for an empty batch. Azurite calls it on every queue receive and delete (to
// drop expired messages, usually none) and once per body in its minute-long garbage-collection
// sweep, so a queue operation costs more with every message the emulator holds, and a sweep after a
// busy minute does thousands of full sorts in one go: the emulator stops answering for tens of
// seconds, long enough for a worker's storage calls to time out. LokiJS's single-document removal
// updates the indices in place: small batches go through it one by one; an empty batch does nothing.
//
// Row lookups. Azurite finds a table row with `findOne({ PartitionKey, RowKey })`. LokiJS answers
// the first condition from its index and checks the second on every match, so a row of a history
// partition (one instance, thousands of rows, one RowKey each) costs a pass over the whole
// partition, for each row a checkpoint writes. Both keys are indexed: the lookup now starts from
// whichever condition's index range is narrower (a RowKey is shared by few partitions; the
// Instances table's empty RowKey by all, where the PartitionKey goes first as before).
'use strict';

const { dirname } = require('node:path');

/**
 * Above this many documents one rebuild is cheaper: a removal adjusts each index in a few linear
 * passes of plain number work, a rebuild sorts it with LokiJS's comparator, tens of times dearer.
 */
const ONE_BY_ONE_AT_MOST = 128;

/** Makes `removeBatchByPositions` of a lokijs module cheap for small batches. */
function patchBatchRemovals(Loki) {
  const Collection = Loki.Collection.prototype;
  if (Collection.removeBatchByPositions.cheapSmallBatches) return;
  const rebuilding = Collection.removeBatchByPositions;
  function removeBatchByPositions(positions) {
    if (positions.length === 0) return;
    if (positions.length > ONE_BY_ONE_AT_MOST || !this.adaptiveBinaryIndices) return rebuilding.call(this, positions);
    // Documents first: each removal shifts the positions of the ones after it. (A removed document
    // loses its $loki and meta, as with any single removal; Azurite does not use one afterwards.)
    const docs = new Set(positions.map((position) => this.data[position]));
    for (const doc of docs) if (doc) this.remove(doc);
  }
  removeBatchByPositions.cheapSmallBatches = true;
  Collection.removeBatchByPositions = removeBatchByPositions;
}

/** How many documents an index holds for one value (a binary search; the index is kept current). */
function matches(collection, property, value) {
  const [low, high] = collection.calculateRange('$eq', property, value);
  return high - low + 1;
}

const isKey = (value) => typeof value === 'string';

/** Makes `findOne({ PartitionKey, RowKey })` start from the narrower of the two indices. */
function patchKeyLookups(Loki) {
  const Collection = Loki.Collection.prototype;
  if (Collection.findOne.narrowerKeyFirst) return;
  const findOne = Collection.findOne;
  function findOneByKeys(query) {
    if (
      query &&
      this.adaptiveBinaryIndices &&
      this.binaryIndices.PartitionKey &&
      this.binaryIndices.RowKey &&
      isKey(query.PartitionKey) &&
      isKey(query.RowKey) &&
      Object.keys(query).length === 2 &&
      matches(this, 'RowKey', query.RowKey) < matches(this, 'PartitionKey', query.PartitionKey)
    ) {
      return findOne.call(this, { RowKey: query.RowKey, PartitionKey: query.PartitionKey });
    }
    return findOne.call(this, query);
  }
  findOneByKeys.narrowerKeyFirst = true;
  Collection.findOne = findOneByKeys;
}

/** True for Azurite's entry script, the one process this preload is meant for. */
const isAzuriteEntry = (path) => /azurite[\\/]dist[\\/]src[\\/]azurite\.js$/.test(path ?? '');

module.exports = { patchBatchRemovals, patchKeyLookups, isAzuriteEntry, ONE_BY_ONE_AT_MOST };

// As a preload of Azurite (its entry script in argv[1]), patch the lokijs it is about to load.
if (isAzuriteEntry(process.argv[1])) {
  try {
    const Loki = require(require.resolve('lokijs', { paths: [dirname(process.argv[1])] }));
    patchBatchRemovals(Loki);
    patchKeyLookups(Loki);
  } catch (error) {
    process.stderr.write(`taskhub: lokijs left unpatched (${error && error.message})\n`);
  }
}
