import { describe, expect, inject, it } from "vitest";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { Client } from "@opensearch-project/opensearch";
import { Redis } from "ioredis";
import { localAwsConfig } from "../../local/dynamodb-local.js";
import { dynamoDbEndpoint } from "../support/servers.js";

describe("local servers answer", () => {
  it("DynamoDB Local lists tables", async () => {
    const client = new DynamoDBClient(localAwsConfig(dynamoDbEndpoint()));
    const out = await client.send(new ListTablesCommand({}));
    expect(Array.isArray(out.TableNames)).toBe(true);
    client.destroy();
  });

  it("Redis answers PING with PONG", async () => {
    const redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: 1 });
    try {
      expect(await redis.ping()).toBe("PONG");
    } finally {
      redis.disconnect();
    }
  });

  it("OpenSearch 2.x reports a yellow or green cluster", async () => {
    const client = new Client({ node: inject("openSearchUrl") });
    try {
      const { body: info } = await client.info();
      expect(info.version.distribution).toBe("opensearch");
      expect(info.version.number).toMatch(/^2\./);
      const { body: health } = await client.cluster.health({ wait_for_status: "yellow", timeout: "30s" });
      expect(["yellow", "green"]).toContain(health.status);
    } finally {
      await client.close();
    }
  });
});
