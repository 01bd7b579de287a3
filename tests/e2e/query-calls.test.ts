import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ulid } from "ulid";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { bookPage, type Client, type E2eApi, expectAvailable, startE2eApi, stockedBook, VISIBLE_WITHIN } from "./local-api.js";
import { SHIP_TO } from "../kit/ship-to.js";

/**
 * The public reads a storefront makes most, counted in DynamoDB calls: a query must answer from
 * its read model and never load the aggregates whose partitions the checkouts write.
 */

interface Call {
  readonly command: string;
  readonly input: Record<string, unknown>;
}

/** Every call the client sends from now on, until the returned function is called. */
const recordCalls = (client: DynamoDBClient) => {
  const calls: Call[] = [];
  const name = `count-${ulid()}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push({ command: String(context.commandName), input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: "initialize", name },
  );
  return { calls, stop: () => client.middlewareStack.remove(name) };
};

/** A reader's look at which generation of a read model is live: cached for a second, so not a per-request call. */
const isPointerRead = (c: Call) => {
  // The key as the document client passes it on: plain, or already marshalled.
  const pk = (c.input.Key as { pk?: string | { S?: string } } | undefined)?.pk;
  return c.command === "GetItemCommand" && String(typeof pk === "object" ? pk.S : pk).startsWith("generation#");
};

let api: E2eApi;
let admin: Client;
beforeAll(async () => {
  api = await startE2eApi("e2e-query-calls", { redisUrl: inject("redisUrl"), redisPrefix: `e2e-${ulid()}:` }, "dynamodb", {
    readSide: ["book-detail", "bestsellers", "top-rated", "book-titles"],
  });
  admin = await api.as("root", ["admin"]);
}, 60_000);
afterAll(() => api?.close());

describe("what the public reads cost", () => {
  it("a book page is one DynamoDB request and the bestsellers none, titles following a rename", async () => {
    const book = await stockedBook(admin, 10, { title: "Counted Sands" });
    const buyer = await api.as(`buyer-${ulid()}`);
    await buyer.post("/cart/items", { bookId: book, quantity: 2 });
    expect((await buyer.post("/checkout", { shippingAddress: SHIP_TO, paymentToken: "tok_visa" })).status).toBe(201);
    await expectAvailable(buyer, book, 8);
    await expect
      .poll(async () => (await buyer.get("/bestsellers")).body.items, VISIBLE_WITHIN)
      .toEqual([{ bookId: book, title: "Counted Sands", unitsSold: 2 }]);
    expect((await admin.patch(`/books/${book}`, { title: "Counted Sands, Revised" })).status).toBe(200);
    await bookPage(buyer, book, (b) => b.version === 2);
    await expect
      .poll(async () => (await buyer.get("/bestsellers")).body.items, VISIBLE_WITHIN)
      .toEqual([{ bookId: book, title: "Counted Sands, Revised", unitsSold: 2 }]);

    // Every read model has caught up: stop the projections, so the calls left are the queries' own.
    await api.stopReadSide();
    const recorder = recordCalls(api.local.runtime.client);
    try {
      const started = Date.now();
      const rounds = 20;
      const perPage: Call[][] = [];
      const perRanking: Call[][] = [];
      for (let i = 0; i < rounds; i++) {
        let from = recorder.calls.length;
        const page = await buyer.get(`/books/${book}`);
        expect(page.body).toMatchObject({ bookId: book, title: "Counted Sands, Revised", available: 8, version: 2 });
        perPage.push(recorder.calls.slice(from));
        from = recorder.calls.length;
        expect((await buyer.get("/bestsellers")).status).toBe(200);
        perRanking.push(recorder.calls.slice(from));
      }
      const seconds = (Date.now() - started) / 1000;
      for (const calls of perPage) expect(calls.filter((c) => !isPointerRead(c)).map((c) => c.command)).toEqual(["BatchGetItemCommand"]);
      for (const calls of perRanking) expect(calls).toEqual([]);
      // The generation pointer is read once a second at most, not once a request.
      expect(perPage.flat().filter(isPointerRead).length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    } finally {
      recorder.stop();
    }
  });
});
