import { describe, expect, it } from "vitest";
import { configFromEnv } from "../../cli/context.js";

describe("the CLI's configuration", () => {
  it("reads the names the handlers read, so an operator uses the deployed functions' environment as it is", () => {
    expect(
      configFromEnv({
        EVENTS_TABLE: "prod-events",
        VIEWS_TABLE: "prod-views",
        REDIS_URL: "rediss://default:token@cache.example:6379",
        OPENSEARCH_URL: "https://search.example",
        OPENSEARCH_USERNAME: "admin",
        OPENSEARCH_PASSWORD: "secret",
        OPENSEARCH_INDEX: "books-prod",
        FULFILMENT_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/bookstore-prod-fulfilment.fifo",
      }),
    ).toEqual({
      eventsTable: "prod-events",
      viewsTable: "prod-views",
      redisUrl: "rediss://default:token@cache.example:6379",
      redisPrefix: "",
      openSearchUrl: "https://search.example",
      openSearchAuth: { username: "admin", password: "secret" },
      searchIndex: "books-prod",
      queuePrefix: "bookstore",
      queueUrls: { fulfilment: "https://sqs.eu-west-1.amazonaws.com/123456789012/bookstore-prod-fulfilment.fifo" },
    });
  });

  it("defaults to the local servers and the tables of npm start, in AWS unless an endpoint is given", () => {
    const config = configFromEnv({});
    expect(config).toMatchObject({ eventsTable: "bookstore-events", viewsTable: "bookstore-views", redisUrl: "redis://127.0.0.1:6379", openSearchUrl: "http://127.0.0.1:9200", searchIndex: "books" });
    expect(config.dynamoDbEndpoint).toBeUndefined();
    expect(config.openSearchAuth).toBeUndefined();
    expect(configFromEnv({ DYNAMODB_ENDPOINT: "http://127.0.0.1:8000", TABLE_PREFIX: "dev" })).toMatchObject({
      dynamoDbEndpoint: "http://127.0.0.1:8000",
      eventsTable: "dev-events",
      viewsTable: "dev-views",
      queuePrefix: "dev",
    });
    // ElasticMQ's queues are found by name under the prefix, as npm start made them.
    expect(configFromEnv({ SQS_ENDPOINT: "http://127.0.0.1:9324", QUEUE_PREFIX: "shop" })).toMatchObject({ sqsEndpoint: "http://127.0.0.1:9324", queuePrefix: "shop", queueUrls: {} });
    expect(configFromEnv({}).sqsEndpoint).toBeUndefined();
  });
});
