import { describe, expect, inject, it } from "vitest";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { Client } from "@opensearch-project/opensearch";
import { Redis } from "ioredis";
import { localAwsConfig } from "../../local/dynamodb-local.js";
import { dynamoDbEndpoint } from "../support/servers.js";
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { freshQueues } from "../support/sqs.js";
import { queues } from "../../projections/queues.js";

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

  it("ElasticMQ has the fulfilment queue, FIFO, whose messages go to its FIFO dead-letter queue past the registry's receives", async () => {
    const { client, urls, prefix } = await freshQueues("smoke");
    expect(urls.fulfilment).toMatch(new RegExp(`/${prefix}-fulfilment\\.fifo$`));
    const { Attributes: main } = await client.send(new GetQueueAttributesCommand({ QueueUrl: urls.fulfilment, AttributeNames: ["All"] }));
    expect(main?.FifoQueue).toBe("true");
    expect(JSON.parse(main?.RedrivePolicy ?? "{}")).toEqual({ deadLetterTargetArn: expect.stringMatching(new RegExp(`:${prefix}-fulfilment-dlq\\.fifo$`)), maxReceiveCount: queues.fulfilment.deadLetter.maxReceiveCount });
  });
});
