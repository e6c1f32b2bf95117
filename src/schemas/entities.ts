// Schemas of the entity routes' answers (DurableEntityStatus.cs; CleanEntityStorageResult.cs).

import { Type, type Static } from '@sinclair/typebox';

export const EntityStatus = Type.Object(
  {
    entityId: Type.Object({
      name: Type.String({ description: 'Entity name (lower-case).' }),
      key: Type.String({ description: 'Entity key.' }),
    }),
    lastOperationTime: Type.String({ description: 'When the entity last ran a batch of operations (ISO 8601, UTC).' }),
    state: Type.Unknown({ description: 'The entity state; null unless fetchState=true.' }),
  },
  { $id: 'EntityStatus', description: 'One entity in a list of entities.' },
);
export type EntityStatus = Static<typeof EntityStatus>;

/** Not shared by `$id`: only the clean-entity-storage route answers it. */
export const CleanEntityStorageResult = Type.Object({
  numberOfEmptyEntitiesRemoved: Type.Integer({ minimum: 0 }),
  numberOfOrphanedLocksRemoved: Type.Integer({ minimum: 0 }),
});
export type CleanEntityStorageResult = Static<typeof CleanEntityStorageResult>;

export const EntityState = Type.Unknown({ description: 'The entity state, as the entity last stored it (any JSON).' });
