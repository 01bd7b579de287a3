import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalPaymentGateway } from "../../domain/local-payment-gateway.js";
import { event, streams } from "../../events/index.js";
import { createCommandHandler } from "../../handlers/commands/handle.js";
import { anySlice, fromDecision } from "../../handlers/commands/slice.js";
import type { Command } from "../../handlers/commands/slices.js";
import { BookIdPath, CommandAccepted, NoQuery } from "../../handlers/http/codecs/common.js";
import { sendForVersion } from "../../handlers/http/commands/send.js";
import { defineRoute } from "../../handlers/http/route.js";
import type { Runtime } from "../../handlers/http/runtime.js";
import { createInMemoryEventStore, createInMemorySnapshotStore, createInMemoryTable } from "../../store/in-memory.js";
import { bookAdded, sicp } from "../unit/fixtures.js";
import { picksSlice, picksStream } from "../unit/fixture-aggregate.js";
import * as t from "io-ts";
import "../kit/to-have-stream.js";
import { bearer, type Json, startTestApi, type TestApi } from "./api-server.js";

// The fixture aggregate of the slice tests, reached over HTTP: one route and one slice, and
// the API Gateway emulation, the authorizer, the codecs and the problem mapping take it as
// they take the shop's own.
const table = createInMemoryTable();
const store = createInMemoryEventStore({ table });
const commands = createCommandHandler(
  { store, snapshots: createInMemorySnapshotStore(table), payments: new LocalPaymentGateway(), clock: () => new Date(), newId: () => crypto.randomUUID(), random: Math.random },
  [anySlice(fromDecision(picksSlice))],
);
// The route reaches nothing of the runtime but its command handler.
const runtime = { commands } as unknown as Runtime;
const pickRoute = defineRoute({
  operationId: "pickBook",
  method: "POST",
  path: "/picks/{bookId}",
  auth: "admin",
  summary: "A staff pick (a fixture)",
  request: { path: BookIdPath, query: NoQuery, body: t.type({ stars: t.number }) },
  response: { status: 200, codec: CommandAccepted },
  problems: [404],
  handler: (input) =>
    sendForVersion(runtime, "pickBook", input, { type: "PickBook", shopId: "shop1", bookId: input.path.bookId, stars: input.body.stars } as unknown as Command, picksStream),
});

let api: TestApi;
let admin: string;
beforeAll(async () => {
  api = await startTestApi([pickRoute]);
  admin = await api.token({ user: "root", groups: ["admin"] });
  await store.append([{ streamId: streams.book("sicp"), expectedVersion: 0, events: [{ ...bookAdded(sicp), meta: { correlationId: "c", causationId: "c", actor: "admin:root", commandId: "seed" } }] }]);
});
afterAll(() => api.close());

const post = async (path: string, body: unknown): Promise<{ status: number; body: Json }> => {
  const res = await fetch(`${api.url}${path}`, { method: "POST", headers: { ...bearer(admin), "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
};

describe("a fixture slice over HTTP", () => {
  it("answers the version its stream reached, and the stream holds the event", async () => {
    expect(await post("/picks/sicp", { stars: 5 })).toEqual({ status: 200, body: { version: 1 } });
    await expect(store).toHaveStream(picksStream, [event("BookRated", { bookId: "sicp", customerId: "shop1", stars: 5, previousStars: null })]);
  });

  it("a refusal of its decider is mapped like the shop's own: an unknown book is a 404", async () => {
    expect((await post("/picks/nope", { stars: 5 })).status).toBe(404);
  });
});
