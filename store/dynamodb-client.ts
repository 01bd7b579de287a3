import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { dynamoDbLocalRetry } from "./dynamodb-local-retry.js";

/**
 * A DynamoDB client as this project makes them. The SDK's logger middleware builds a redacted
 * copy of every request and response for its logger, walking each item against the operation's
 * schema, even when that logger is the default no-op: in a replay the walk took a third of the
 * process's CPU. So a client given no logger goes without that middleware; one given a logger
 * keeps it, and logs as the SDK does.
 */
export const createDynamoDbClient = (config: DynamoDBClientConfig = {}): DynamoDBClient => {
  const client = new DynamoDBClient(config);
  if (config.logger === undefined) client.middlewareStack.remove("loggerMiddleware");
  return client;
};

/**
 * The client an entry point uses: AWS's own configuration when no endpoint is set, else
 * DynamoDB Local at `endpoint`, which wants some credentials and a region (never real ones)
 * and, under parallel writers, more patience than AWS needs.
 */
export const dynamoDbClientFor = (endpoint: string | undefined, region = "localhost"): DynamoDBClient =>
  createDynamoDbClient(
    endpoint === undefined || endpoint === ""
      ? {}
      : { endpoint, region, credentials: { accessKeyId: "local", secretAccessKey: "local" }, retryStrategy: dynamoDbLocalRetry(12) },
  );
