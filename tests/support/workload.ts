import { ulid } from "ulid";
import { addBook, asAdmin, asCustomer, type CommandsFixture } from "./commands-fixture.js";
import { SHIP_TO } from "../kit/ship-to.js";

const categories = ["fiction", "history", "science"] as const;
const tokens = ["tok_visa", "tok_visa", "tok_visa", "tok_declined"] as const;

/**
 * A mixed trading workload through the command handler, until the store holds at least
 * `minEvents` events: books in several categories (some moved to another category), stock,
 * carts changed and checked out, payments declined, orders shipped or cancelled, ratings,
 * customers' address books and consents.
 * Deterministic for a given seed, so failures can be reproduced. Returns the events appended.
 */
export const runWorkload = async ({ commands }: CommandsFixture, minEvents: number, seed = 1): Promise<number> => {
  let state = seed;
  const random = () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  let events = 0;
  const seen = new Map<string, number>();
  const run = async (command: Parameters<CommandsFixture["commands"]["handle"]>[0], meta = asAdmin) => {
    const result = await commands.handle(command, meta);
    // Each stream's new version says how many events it gained (a declined command adds none).
    if (result._tag === "Right") {
      for (const [stream, version] of Object.entries(result.right.versions)) {
        events += Math.max(0, version - (seen.get(stream) ?? 0));
        seen.set(stream, Math.max(version, seen.get(stream) ?? 0));
      }
    }
    return result;
  };
  const books: string[] = [];
  for (let i = 0; i < 12; i++) {
    const bookId = ulid();
    books.push(bookId);
    await run({ ...addBook(bookId, 500 + 100 * i), category: categories[i % categories.length]! });
    await run({ type: "ReceiveStock", bookId, quantity: 100_000 });
  }
  while (events < minEvents) {
    const customerId = ulid();
    const me = asCustomer(customerId);
    for (let n = 1 + Math.floor(random() * 3); n > 0; n--) await run({ type: "AddCartItem", customerId, bookId: pick(books), quantity: 1 + Math.floor(random() * 3) }, me);
    const at = new Date().toISOString();
    if (random() < 0.3) {
      const addressId = ulid();
      await run({ type: "AddAddress", customerId, at, addressId, ...SHIP_TO }, me);
      await run({ type: "ChooseDefaultAddress", customerId, at, addressId }, me);
    }
    if (random() < 0.2) await run({ type: "SetConsent", customerId, at, purpose: "marketing-email", granted: random() < 0.7, source: "workload" }, me);
    const roll = random();
    if (roll < 0.1) {
      await run({ type: "ClearCart", customerId }, me);
      continue;
    }
    if (roll < 0.2) await run({ type: "ChangeCartItemQuantity", customerId, bookId: books[0]!, quantity: 2 }, me);
    const orderId = ulid();
    await run({ type: "Checkout", shippingAddress: SHIP_TO, customerId, orderId, paymentToken: pick(tokens) }, me);
    const after = random();
    if (after < 0.15) await run({ type: "CancelOrder", orderId, actor: { role: "customer", customerId } }, me);
    else if (after < 0.5) await run({ type: "ShipOrder", orderId, shipmentId: orderId, carrier: "DHL", trackingNumber: `T-${orderId}`, at: new Date().toISOString() });
    if (random() < 0.5) await run({ type: "RateBook", bookId: pick(books), customerId, stars: 1 + Math.floor(random() * 5) }, me);
    if (random() < 0.03) await run({ type: "ChangeBookDetails", bookId: pick(books), category: pick(categories) });
  }
  return events;
};
