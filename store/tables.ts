import {
  type CreateTableCommandInput,
  CreateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";

/**
 * The one place the tables are defined: the local runtime, the tests and the infrastructure
 * all build their tables from these inputs, so the layouts cannot drift apart.
 */
export const keys = {
  pk: "pk",
  sk: "sk",
  /** The sparse time-bucket index: only event items carry its keys. */
  byTime: { indexName: "byTime", pk: "gsi1pk", sk: "gsi1sk" },
  /** Epoch seconds after which DynamoDB may delete an idempotency record. */
  ttl: "expiresAt",
} as const;

export interface TableNames {
  readonly events: string;
  readonly views: string;
}

export const tableNames = (prefix: string): TableNames => ({ events: `${prefix}-events`, views: `${prefix}-views` });

export const eventsTable = (name: string): CreateTableCommandInput => ({
  TableName: name,
  BillingMode: "PAY_PER_REQUEST",
  AttributeDefinitions: [
    { AttributeName: keys.pk, AttributeType: "S" },
    { AttributeName: keys.sk, AttributeType: "N" },
    { AttributeName: keys.byTime.pk, AttributeType: "S" },
    { AttributeName: keys.byTime.sk, AttributeType: "S" },
  ],
  KeySchema: [
    { AttributeName: keys.pk, KeyType: "HASH" },
    { AttributeName: keys.sk, KeyType: "RANGE" },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: keys.byTime.indexName,
      KeySchema: [
        { AttributeName: keys.byTime.pk, KeyType: "HASH" },
        { AttributeName: keys.byTime.sk, KeyType: "RANGE" },
      ],
      // Replay reads whole events from the index, so it must not fetch each item again.
      Projection: { ProjectionType: "ALL" },
    },
  ],
  StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
});

export const viewsTable = (name: string): CreateTableCommandInput => ({
  TableName: name,
  BillingMode: "PAY_PER_REQUEST",
  AttributeDefinitions: [
    { AttributeName: keys.pk, AttributeType: "S" },
    { AttributeName: keys.sk, AttributeType: "S" },
  ],
  KeySchema: [
    { AttributeName: keys.pk, KeyType: "HASH" },
    { AttributeName: keys.sk, KeyType: "RANGE" },
  ],
});

const createTable = async (client: DynamoDBClient, input: CreateTableCommandInput): Promise<void> => {
  try {
    await client.send(new CreateTableCommand(input));
  } catch (e) {
    if (!(e instanceof ResourceInUseException)) throw e;
  }
  await waitUntilTableExists({ client, maxWaitTime: 120, minDelay: 1, maxDelay: 2 }, { TableName: input.TableName });
};

const enableTtl = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  try {
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: keys.ttl, Enabled: true } }),
    );
  } catch (e) {
    // Asking twice is refused with "TimeToLive is already enabled"; that is the state we want.
    if (!(e instanceof Error && /already enabled/i.test(e.message))) throw e;
  }
};

/** Creates both tables unless they exist, and waits until they are ACTIVE. Safe to run again. */
export const createTables = async (client: DynamoDBClient, names: TableNames): Promise<void> => {
  await Promise.all([createTable(client, eventsTable(names.events)), createTable(client, viewsTable(names.views))]);
  await enableTtl(client, names.events);
};
