import fc from "fast-check";
import { isLeft } from "fp-ts/lib/Either.js";
import { ulid } from "ulid";
import { beforeAll, describe, expect, it } from "vitest";
import type { InventoryState } from "../../domain/inventory.js";
import { streams } from "../../events/index.js";
import { aggregates, type Aggregate } from "../../handlers/commands/aggregates.js";
import type { Command } from "../../handlers/commands/slices.js";
import { load } from "../../handlers/commands/load.js";
import { addBook, asAdmin, asCustomer, freshCommands, ok, type CommandsFixture } from "../support/commands-fixture.js";
import { snapshotStoreContract } from "../support/event-store-contract.js";
import { SHIP_TO } from "../kit/ship-to.js";

let f: CommandsFixture;
beforeAll(async () => {
  f = await freshCommands("snapshots", { snapshotEvery: 3 });
});

snapshotStoreContract(() => ({ snapshots: f.deps.snapshots, plant: f.plant }));

const stateOf = async <S>(aggregate: Aggregate<S>, id: string, snapshotEvery: number) => {
  const loaded = await load({ ...f.deps, snapshotEvery }, aggregate, id);
  if (isLeft(loaded)) throw new Error(loaded.left.reason);
  return { version: loaded.right.version, state: loaded.right.state };
};
const plainInventory = ({ version, state }: { version: number; state: InventoryState }) => ({
  version,
  onHand: state.onHand,
  reserved: state.reserved,
  open: state.open.toJS(),
});

/** One step of a random shop day around one book and a few customers. */
const step = fc.oneof(
  fc.record({ kind: fc.constant("receive" as const), quantity: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ kind: fc.constant("adjust" as const), delta: fc.integer({ min: -3, max: 3 }).filter((d) => d !== 0) }),
  fc.record({ kind: fc.constant("add" as const), customer: fc.integer({ min: 0, max: 2 }), quantity: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant("checkout" as const), customer: fc.integer({ min: 0, max: 2 }), pay: fc.boolean() }),
  fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat() }),
);

describe("snapshots", () => {
  it("loading from the newest snapshot plus the tail equals folding the whole stream", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 25 }), async (steps) => {
        const bookId = ulid();
        const customers = [ulid(), ulid(), ulid()];
        const orders: { orderId: string; customer: string }[] = [];
        ok(await f.commands.handle(addBook(bookId), asAdmin));
        for (const s of steps) {
          let command: Command;
          let meta = asAdmin;
          switch (s.kind) {
            case "receive":
              command = { type: "ReceiveStock", bookId, quantity: s.quantity };
              break;
            case "adjust":
              command = { type: "AdjustStock", bookId, delta: s.delta, reason: "recount" };
              break;
            case "add":
              command = { type: "AddCartItem", customerId: customers[s.customer]!, bookId, quantity: s.quantity };
              meta = asCustomer(customers[s.customer]!);
              break;
            case "checkout": {
              const orderId = ulid();
              orders.push({ orderId, customer: customers[s.customer]! });
              command = { type: "Checkout", shippingAddress: SHIP_TO, customerId: customers[s.customer]!, orderId, ...(s.pay ? { paymentToken: "tok_visa" } : {}) };
              meta = asCustomer(customers[s.customer]!);
              break;
            }
            case "cancel": {
              const order = orders[s.pick % Math.max(1, orders.length)];
              if (order === undefined) continue;
              command = { type: "CancelOrder", orderId: order.orderId, actor: { role: "customer", customerId: order.customer } };
              meta = asCustomer(order.customer);
              break;
            }
          }
          // Rule breaks (short stock, empty carts, stock below reserved) are part of a shop day.
          await f.commands.handle(command, meta);
        }
        await f.commands.settle();
        const withSnapshots = await stateOf(aggregates.inventory, bookId, 3);
        const fromEvents = await stateOf(aggregates.inventory, bookId, 0);
        expect(plainInventory(withSnapshots)).toEqual(plainInventory(fromEvents));
        for (const c of customers) expect(await stateOf(aggregates.cart, c, 3)).toEqual(await stateOf(aggregates.cart, c, 0));
      }),
      { numRuns: 12 },
    );
  });

  it("writes a snapshot every N events, off the command's path", async () => {
    const bookId = ulid();
    ok(await f.commands.handle(addBook(bookId), asAdmin));
    for (let i = 0; i < 7; i++) ok(await f.commands.handle({ type: "ReceiveStock", bookId, quantity: 1 }, asAdmin));
    await f.commands.settle();
    const snap = await f.deps.snapshots.read(streams.inventory(bookId));
    expect(snap).toMatchObject({ version: 6, schema: "inventory/2", state: { onHand: 6, reserved: 0, open: [] } });
  });

  it("ignores a snapshot whose schema no longer matches, or whose state does not decode", async () => {
    const bookId = ulid();
    ok(await f.commands.handle(addBook(bookId), asAdmin));
    ok(await f.commands.handle({ type: "ReceiveStock", bookId, quantity: 2 }, asAdmin));
    const streamId = streams.inventory(bookId);
    await f.deps.snapshots.write({ streamId, version: 1, schema: "inventory/0", state: { onHand: 999, reserved: 0, open: [] } });
    expect(plainInventory(await stateOf(aggregates.inventory, bookId, 3))).toEqual({ version: 1, onHand: 2, reserved: 0, open: {} });
    await f.deps.snapshots.write({ streamId, version: 2, schema: "inventory/2", state: { onHand: "many" } });
    expect(plainInventory(await stateOf(aggregates.inventory, bookId, 3))).toEqual({ version: 1, onHand: 2, reserved: 0, open: {} });
  });
});
