import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { createReadModels, SearchNotRunning } from "../../handlers/http/read-models.js";
import { readModelSettingsFromEnv } from "../../handlers/read-model-settings.js";
import { redisPortsFromEnv, searchPortsFromEnv } from "../../handlers/stream/ports-from-env.js";
import { configFromEnv } from "../../cli/context.js";

describe("the runtime's read-model ports", () => {
  it("come from plain environment variables, blanks left out", () => {
    expect(
      readModelSettingsFromEnv({ REDIS_URL: "redis://cache:6379", REDIS_PREFIX: "shop:", OPENSEARCH_URL: "https://search", OPENSEARCH_USERNAME: "", OPENSEARCH_INDEX: "books-v2" }),
    ).toEqual({ redisUrl: "redis://cache:6379", redisPrefix: "shop:", openSearchUrl: "https://search", searchIndex: "books-v2" });
  });

  it("build nothing until a query asks, and say which server is missing when one is", async () => {
    const models = createReadModels(new DynamoDBClient({ region: "localhost" }), "views", {});
    expect(models.searchConfigured).toBe(false);
    expect(() => models.search).toThrow(SearchNotRunning);
    expect(() => models.redis).toThrow(/REDIS_URL/);
    expect(models.views.tableName).toBe("views");
    await expect(models.close()).resolves.toBeUndefined();
  });

  it("search defaults to the `books` index", async () => {
    const models = createReadModels(new DynamoDBClient({ region: "localhost" }), "views", { openSearchUrl: "http://127.0.0.1:1" });
    expect(models.search.index).toBe("books");
    await models.close();
  });

  it("are the projectors' and the CLI's too: one environment means the same prefix and index to all three", async () => {
    const env = { REDIS_URL: "redis://127.0.0.1:1", REDIS_PREFIX: "shop:", OPENSEARCH_URL: "http://127.0.0.1:1", OPENSEARCH_INDEX: "books-v2" };
    const query = createReadModels(new DynamoDBClient({ region: "localhost" }), "views", readModelSettingsFromEnv(env));
    const projector = { ...redisPortsFromEnv(env), ...searchPortsFromEnv(env) };
    // Nothing listens on port 1: the clients are made only to be looked at.
    projector.redis.on("error", () => {});
    const cli = configFromEnv(env);
    expect([query.redis.options.keyPrefix, projector.redis.options.keyPrefix, cli.redisPrefix]).toEqual(["shop:", "shop:", "shop:"]);
    expect([query.search.index, projector.search.index, cli.searchIndex]).toEqual(["books-v2", "books-v2", "books-v2"]);
    projector.redis.disconnect();
    await Promise.all([query.close().catch(() => undefined), projector.search.client.close()]);
  });

  it("refuses half of the search credentials instead of connecting without them", () => {
    expect(() => readModelSettingsFromEnv({ OPENSEARCH_USERNAME: "admin" })).toThrow(/OPENSEARCH_USERNAME and OPENSEARCH_PASSWORD/);
  });
});
