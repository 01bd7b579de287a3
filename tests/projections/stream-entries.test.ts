import { ulid } from "ulid";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { streams } from "../../events/index.js";
import { getInventory, projections } from "../../projections/index.js";
import { addBook, asAdmin, freshCommands, ok, type CommandsFixture } from "../support/commands-fixture.js";
import { documentClient, eventsOf, streamEvent } from "../support/projections-fixture.js";
import { dynamoDbEndpoint } from "../support/servers.js";

import { handler as subscriber } from "../../handlers/stream/subscriber.js";
import { processes } from "../../handlers/processes/index.js";

type Entry = { handler?: unknown };
/** The one subscriber entry, as the function of `name` runs it: its environment names the projection. */
const entryOf = async (name: string): Promise<Entry> => {
  process.env.PROJECTION_NAME = name;
  return { handler: subscriber };
};

let f: CommandsFixture;
beforeAll(async () => {
  f = await freshCommands("entries");
  // The plain variables SST sets on each projector (the bus is never called with an empty batch).
  Object.assign(process.env, {
    VIEWS_TABLE: f.names.views,
    EVENTS_TABLE: f.names.events,
    DYNAMODB_ENDPOINT: dynamoDbEndpoint(),
    REDIS_URL: inject("redisUrl"),
    OPENSEARCH_URL: inject("openSearchUrl"),
    OPENSEARCH_INDEX: `entries-${ulid().toLowerCase()}`,
    EVENT_BUS_NAME: "bookstore-test",
  });
});

describe("one Lambda entry for every projection and process", () => {
  it.each([...projections, ...processes].map((p) => p.name))("with PROJECTION_NAME=%s, handlers/stream/subscriber.ts takes a stream batch", async (name) => {
    const { handler } = await entryOf(name);
    expect(handler).toBeTypeOf("function");
    expect(await (handler as (e: unknown) => Promise<unknown>)({ Records: [] })).toEqual({ batchItemFailures: [] });
  });

  it("builds its ports from the environment and projects a real batch", async () => {
    const bookId = ulid();
    ok(await f.commands.handle(addBook(bookId), asAdmin));
    ok(await f.commands.handle({ type: "ReceiveStock", bookId, quantity: 4 }, asAdmin));
    const { handler } = await entryOf("inventory-view");
    // A name that is no projection is refused, not run as some other one.
    await expect(((await entryOf("no-such-projection")).handler as (e: unknown) => Promise<unknown>)({ Records: [] })).rejects.toThrow(/names no projection/);
    process.env.PROJECTION_NAME = "inventory-view";
    const batch = streamEvent(await eventsOf(f.store, [streams.inventory(bookId)]));
    expect(await (handler as (e: unknown) => Promise<unknown>)(batch)).toEqual({ batchItemFailures: [] });
    const views = { client: documentClient(f.client), tableName: f.names.views };
    expect(await getInventory(views, bookId)).toMatchObject({ onHand: 4, available: 4 });
  });
});
