import { DeleteTableCommand, DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll } from "vitest";
import { localAwsConfig } from "../../local/dynamodb-local.js";
import { dynamoDbEndpoint } from "../support/servers.js";

/**
 * Every test file makes tables of its own; left behind, they pile up in the worker's DynamoDB
 * Local over a run and it slows down many times over (a 12-second file took 265 seconds at the
 * end of a run), until requests time out. A worker runs one file at a time on its own DynamoDB
 * Local, so what did not exist when the file began is the file's, and goes when it ends.
 */
const tableNames = async (client: DynamoDBClient): Promise<string[]> => {
  const names: string[] = [];
  let start: string | undefined;
  do {
    const page = await client.send(new ListTablesCommand({ ...(start === undefined ? {} : { ExclusiveStartTableName: start }) }));
    names.push(...(page.TableNames ?? []));
    start = page.LastEvaluatedTableName;
  } while (start !== undefined);
  return names;
};

let client: DynamoDBClient;
let before: Set<string>;

beforeAll(async () => {
  client = new DynamoDBClient(localAwsConfig(dynamoDbEndpoint()));
  before = new Set(await tableNames(client));
});

afterAll(async () => {
  const made = (await tableNames(client)).filter((name) => !before.has(name));
  await Promise.all(made.map((TableName) => client.send(new DeleteTableCommand({ TableName }))));
  client.destroy();
}, 120_000);
