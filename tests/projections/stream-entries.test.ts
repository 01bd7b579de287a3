import { ulid } from "ulid";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { streams } from "../../events/index.js";
import { getInventory, projections } from "../../projections/index.js";
import { addBook, asAdmin, freshCommands, ok, type CommandsFixture } from "../support/commands-fixture.js";
import { documentClient, eventsOf, streamEvent } from "../support/projections-fixture.js";
import { dynamoDbEndpoint } from "../support/servers.js";

type Entry = { handler?: unknown };
const entryOf = (name: string): Promise<Entry> => import(`../../handlers/stream/${name}.ts`) as Promise<Entry>;

let f: CommandsFixture;
beforeAll(async () => {
  f = await freshCommands("entries");
  // The plain variables SST sets on each projector (the bus is never called with an empty batch).
  Object.assign(process.env, {
    VIEWS_TABLE: f.names.views,
    DYNAMODB_ENDPOINT: dynamoDbEndpoint(),
    REDIS_URL: inject("redisUrl"),
    OPENSEARCH_URL: inject("openSearchUrl"),
    OPENSEARCH_INDEX: `entries-${ulid().toLowerCase()}`,
    EVENT_BUS_NAME: "bookstore-test",
  });
});

describe("one Lambda entry per projection", () => {
  it.each(projections.map((p) => p.name))("handlers/stream/%s.ts exports a handler that takes a stream batch", async (name) => {
    const { handler } = await entryOf(name);
    expect(handler).toBeTypeOf("function");
    expect(await (handler as (e: unknown) => Promise<unknown>)({ Records: [] })).toEqual({ batchItemFailures: [] });
  });

  it("builds its ports from the environment and projects a real batch", async () => {
    const bookId = ulid();
    ok(await f.commands.handle(addBook(bookId), asAdmin));
    ok(await f.commands.handle({ type: "ReceiveStock", bookId, quantity: 4 }, asAdmin));
    const { handler } = await entryOf("inventory-view");
    const batch = streamEvent(await eventsOf(f.store, [streams.inventory(bookId)]));
    expect(await (handler as (e: unknown) => Promise<unknown>)(batch)).toEqual({ batchItemFailures: [] });
    const views = { client: documentClient(f.client), tableName: f.names.views };
    expect(await getInventory(views, bookId)).toMatchObject({ onHand: 4, available: 4 });
  });
});
