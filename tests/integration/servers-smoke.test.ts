import { describe, expect, inject, it } from "vitest";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { localAwsConfig } from "../../local/dynamodb-local.js";

describe("local servers answer", () => {
  it("DynamoDB Local lists tables", async () => {
    const client = new DynamoDBClient(localAwsConfig(inject("dynamoDbEndpoint")));
    const out = await client.send(new ListTablesCommand({}));
    expect(Array.isArray(out.TableNames)).toBe(true);
    client.destroy();
  });
});
