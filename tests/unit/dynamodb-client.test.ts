import { GetItemCommand, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { Readable } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import { createDynamoDbClient } from "../../store/index.js";

/** A transport that answers every request with one item, so the SDK's own steps all run. */
const answeringTransport = {
  handle: async () => ({
    response: {
      statusCode: 200,
      headers: { "content-type": "application/x-amz-json-1.0" },
      body: Readable.from([Buffer.from(JSON.stringify({ Item: { pk: { S: "book#1" }, title: { S: "Emma" } } }))]),
    },
  }),
} as unknown as NonNullable<DynamoDBClientConfig["requestHandler"]>;

const config = { region: "localhost", credentials: { accessKeyId: "local", secretAccessKey: "local" }, requestHandler: answeringTransport };
const get = new GetItemCommand({ TableName: "views", Key: { pk: { S: "book#1" } } });

describe("createDynamoDbClient", () => {
  it("with no logger, skips the SDK's log copy of each request and response and answers as the SDK does", async () => {
    const client = createDynamoDbClient(config);
    expect(client.middlewareStack.identify().some((m) => m.startsWith("loggerMiddleware"))).toBe(false);
    expect((await client.send(get)).Item).toEqual({ pk: { S: "book#1" }, title: { S: "Emma" } });
  });

  it("with a logger, logs each call as the SDK does", async () => {
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const client = createDynamoDbClient({ ...config, logger });
    await client.send(get);
    expect(logger.info).toHaveBeenCalledWith(expect.objectContaining({ commandName: "GetItemCommand", output: expect.objectContaining({ Item: expect.anything() }) }));
  });
});
