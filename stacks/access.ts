/**
 * Least privilege, spelled out: `link` on a table, queue or bus would grant `dynamodb:*`,
 * `sqs:*` or `events:*`, so those are granted here action by action instead.
 */
export interface Grant {
  readonly actions: string[];
  readonly resources: $util.Input<string>[];
}

const onTable = (table: sst.aws.Dynamo, actions: string[]): Grant => ({
  actions: actions.map((a) => `dynamodb:${a}`),
  resources: [table.arn, $interpolate`${table.arn}/index/*`],
});

const reads = ["GetItem", "BatchGetItem", "Query"];

export const readTable = (table: sst.aws.Dynamo): Grant => onTable(table, reads);

/** Appends are conditional puts in transactions (TransactWriteItems is authorised per item). */
export const appendEvents = (table: sst.aws.Dynamo): Grant => onTable(table, [...reads, "PutItem", "UpdateItem", "ConditionCheckItem"]);

/** Projectors keep read models and dead letters up to date with conditional writes. */
export const writeViews = (table: sst.aws.Dynamo): Grant =>
  onTable(table, [...reads, "PutItem", "UpdateItem", "DeleteItem", "ConditionCheckItem"]);

export const sendTo = (queue: sst.aws.Queue): Grant => ({ actions: ["sqs:SendMessage"], resources: [queue.arn] });

export const publishTo = (bus: sst.aws.Bus): Grant => ({ actions: ["events:PutEvents"], resources: [bus.arn] });
