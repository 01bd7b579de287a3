import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { createReadModels, readModelConfigFromEnv, SearchNotRunning } from "../../handlers/http/read-models.js";

describe("the runtime's read-model ports", () => {
  it("come from plain environment variables, blanks left out", () => {
    expect(
      readModelConfigFromEnv({ REDIS_URL: "redis://cache:6379", REDIS_PREFIX: "shop:", OPENSEARCH_URL: "https://search", OPENSEARCH_USERNAME: "", SEARCH_INDEX: "books-v2" }),
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
});
