import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ulid } from "ulid";
import { describe, expect, it } from "vitest";
import { localAwsConfig } from "../../local/dynamodb-local.js";
import { createTables, tableNames } from "../../store/tables.js";
import { dynamoDbEndpoint } from "../support/servers.js";

describe("createTables", () => {
  it("creates the events and views tables as the design lays them out, and may run again", async () => {
    const client = new DynamoDBClient(localAwsConfig(dynamoDbEndpoint()));
    const names = tableNames(`tables-${ulid().toLowerCase()}`);
    await createTables(client, names);
    await createTables(client, names);

    const events = (await client.send(new DescribeTableCommand({ TableName: names.events }))).Table;
    expect(events?.TableStatus).toBe("ACTIVE");
    expect(events?.KeySchema).toEqual([
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ]);
    expect(events?.AttributeDefinitions).toEqual(expect.arrayContaining([{ AttributeName: "sk", AttributeType: "N" }]));
    expect(events?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: "NEW_IMAGE" });
    expect(events?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.KeySchema?.map((k) => k.AttributeName)])).toEqual([
      ["byTime", ["gsi1pk", "gsi1sk"]],
    ]);
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: names.events }));
    expect(ttl.TimeToLiveDescription?.AttributeName).toBe("expiresAt");

    const views = (await client.send(new DescribeTableCommand({ TableName: names.views }))).Table;
    expect(views?.TableStatus).toBe("ACTIVE");
    expect(views?.AttributeDefinitions).toEqual(expect.arrayContaining([{ AttributeName: "sk", AttributeType: "S" }]));
    expect(views?.StreamSpecification?.StreamEnabled ?? false).toBe(false);
    client.destroy();
  });
});
