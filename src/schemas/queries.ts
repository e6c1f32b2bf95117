// Query-string and path schemas of the management routes. Names are spelled exactly as the
// Durable Functions contract spells them; the query parser maps any letter case onto them.

import { Type, type TProperties } from '@sinclair/typebox';

const hubParams = {
  code: Type.Optional(Type.String({ description: 'System key (the x-functions-key header wins).' })),
  taskHub: Type.Optional(Type.String({ description: 'Task hub name; default from configuration.' })),
  connection: Type.Optional(
    Type.String({
      description:
        'Name of a configured storage connection, resolved as AzureWebJobs + name, then the name; default Storage (AzureWebJobsStorage).',
    }),
  ),
};

const flag = (description: string, defaultValue: boolean) =>
  Type.Optional(Type.Boolean({ description: `${description} (true/false in any letter case).`, default: defaultValue }));

const seconds = (description: string) =>
  Type.Optional(Type.Number({ minimum: 0, maximum: 3600, description: `${description} Seconds; decimals allowed.` }));

const dateTime = (description: string) =>
  Type.Optional(Type.String({ description: `${description} ISO 8601; without an offset the time is UTC.` }));

const runtimeStatusList = (description: string) =>
  Type.Optional(Type.String({ description: `${description} Comma-separated runtime statuses, any letter case.` }));

export const query = <T extends TProperties>(properties: T) => Type.Object({ ...hubParams, ...properties });

export const reasonQuery = query({ reason: Type.Optional(Type.String({ description: 'Free text recorded with the operation.' })) });

export const statusFlags = {
  showInput: flag('Include the input', true),
  showHistory: flag('Include historyEvents', false),
  showHistoryOutput: flag('Include results inside historyEvents', false),
};

export const startQuery = query({
  ...statusFlags,
  version: Type.Optional(Type.String({ description: 'Orchestration version to record.' })),
  timeout: seconds('Wait up to this long for completion before answering (start-and-wait).'),
  pollingInterval: seconds('Polling interval while waiting; must not exceed timeout.'),
});

export const getStatusQuery = query({
  ...statusFlags,
  returnInternalServerErrorOnFailure: flag('Answer 500 instead of 200 for a Failed instance', false),
});

/** The instance filter shared by the list, the counts and batches. */
export const filterParams = {
  createdTimeFrom: dateTime('Only instances created at or after this time.'),
  createdTimeTo: dateTime('Only instances created at or before this time.'),
  runtimeStatus: runtimeStatusList('Only instances in one of these statuses.'),
  instanceIdPrefix: Type.Optional(Type.String({ description: 'Only instance IDs starting with this text (case-sensitive).' })),
  name: Type.Optional(
    Type.String({
      description:
        'taskhub addition. Orchestrator name, case-sensitive: `Foo` matches exactly Foo, `Foo*` (a trailing asterisk) every name starting with Foo.',
    }),
  ),
  excludeEntities: Type.Optional(
    Type.Boolean({
      description:
        'Leave out Durable Entities (instance ids `@name@key`); default true, unless instanceIdPrefix starts with `@`. ' +
        'Send false to list entity instances too (true/false in any letter case).',
    }),
  ),
};

export const countsQuery = query(filterParams);

/**
 * Page size. The extension passes any integer on; a page holds at most 1000 (an Azure Table page), so a
 * larger `top` is answered 1000 at a time with a continuation token: `top` is a maximum, as clients
 * already treat it.
 */
const pageSize = Type.Optional(
  Type.Integer({ minimum: 1, default: 100, description: 'Page size (at most 1000 per page; a larger value pages by 1000).' }),
);

export const listQuery = query({
  ...filterParams,
  showInput: flag('Include inputs', true),
  top: pageSize,
});

export const entityListQuery = query({
  lastOperationTimeFrom: dateTime('Only entities whose last operation ran at or after this time.'),
  lastOperationTimeTo: dateTime('Only entities whose last operation ran at or before this time.'),
  fetchState: flag('Include each entity state', false),
  top: pageSize,
});

export const entityOperationQuery = query({
  op: Type.Optional(Type.String({ description: 'Operation name; default the empty string, as the extension defaults it.' })),
});

const entityName = Type.String({ description: 'Entity name (any letter case; stored lower-case).' });
const entityKey = Type.String({ description: 'Entity key (percent-encoded); `$` addresses the empty key.' });
export const entityParams = Type.Object({ entityName, entityKey });
export const entityNameParams = Type.Object({ entityName });

export const purgeByFilterQuery = query({
  createdTimeFrom: dateTime('Required: purge instances created at or after this time.'),
  createdTimeTo: dateTime('Purge instances created at or before this time.'),
  runtimeStatus: runtimeStatusList('Finished statuses only; default all of Completed, Failed, Terminated, Canceled.'),
});

export const restartQuery = query({
  ...statusFlags,
  restartWithNewInstanceId: flag('Start under a new instance ID instead of reusing this one', true),
  timeout: seconds('Wait up to this long for the restarted instance to finish.'),
  pollingInterval: seconds('Polling interval while waiting; must not exceed timeout.'),
});

export const waitQuery = query({
  ...statusFlags,
  timeout: Type.Optional(Type.Number({ minimum: 0, maximum: 3600, default: 10, description: 'Seconds to wait; decimals allowed.' })),
  retryInterval: Type.Optional(
    Type.Number({
      minimum: 0,
      maximum: 3600,
      description: 'Seconds between status checks; must not exceed timeout. Default 1, or timeout when smaller.',
    }),
  ),
});

const instanceId = Type.String({ description: 'Instance ID (percent-encoded; up to 256 characters).' });

export const instanceParams = Type.Object({ instanceId });
export const raiseEventParams = Type.Object({
  instanceId,
  eventName: Type.String({ description: 'Event name.' }),
});
export const startParams = Type.Object({
  functionName: Type.String({ description: 'Orchestrator function name.' }),
  instanceId: Type.Optional(Type.String({ description: 'Instance ID to use; generated when omitted.' })),
});

export const anyJsonBody = Type.Unknown({ description: 'Any JSON value.' });

export const continuationHeader = Type.Object({
  'x-ms-continuation-token': Type.Optional(Type.String({ description: 'Resume a list from a previous page.' })),
});
