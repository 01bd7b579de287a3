import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, type E2eApi, expectAvailable, eventTypes, startE2eApi, stockedBook } from "./local-api.js";
import { SHIP_TO } from "../kit/ship-to.js";

// The sale-day checkout of the flash-sale issue, over HTTP as a storefront sends it.
let api: E2eApi;
let admin: Client;
beforeAll(async () => {
  api = await startE2eApi("e2e-flash-sale", {}, "dynamodb", { readSide: ["book-detail"] });
  admin = await api.as("root", ["admin"]);
});
afterAll(() => api.close());

const buyers = async (bookId: string, n: number): Promise<Client[]> => {
  const clients = await Promise.all(Array.from({ length: n }, (_, i) => api.as(`buyer-${bookId}-${i}`)));
  for (const c of clients) expect((await c.post("/cart/items", { bookId, quantity: 1 })).status).toBe(200);
  return clients;
};

const checkoutAll = (clients: Client[]) =>
  Promise.all(clients.map((c, i) => c.post("/checkout", { shippingAddress: SHIP_TO, paymentToken: "tok_visa" }, { "idempotency-key": `sale-${i}` })));

describe("a flash sale over HTTP", () => {
  it("30 buyers of one book with 40 copies: 30 answered 201 and paid", async () => {
    const book = await stockedBook(admin, 40);
    const answers = await checkoutAll(await buyers(book, 30));
    expect(answers.map((a) => a.status), api.faults()).toEqual(Array(30).fill(201));
    expect(answers.map((a) => a.body.status)).toEqual(Array(30).fill("paid"));
    await expectAvailable(admin, book, 10);
  });

  it("30 buyers of one book with 10 copies: 10 answered 201, 20 told the stock is short, none a concurrency problem", async () => {
    const book = await stockedBook(admin, 10);
    const clients = await buyers(book, 30);
    const answers = await checkoutAll(clients);
    const won = answers.filter((a) => a.status === 201);
    const lost = answers.filter((a) => a.status !== 201);
    expect(won, api.faults()).toHaveLength(10);
    for (const a of lost) {
      expect(a.status).toBe(409);
      expect(a.body.type).toBe("urn:bookstore:problem:business-rule");
      expect(a.body.detail).not.toMatch(/retry/i);
    }
    // Every order that exists was answered to its buyer: a buyer told no still has its cart, and no order was placed for it.
    for (const [i, c] of clients.entries()) {
      const answered = answers[i]!;
      const cart = await eventTypes(admin, `cart#${c.sub}`);
      if (answered.status === 201) {
        expect(await eventTypes(admin, `order#${answered.body.orderId}`)).toEqual(["OrderPlaced", "OrderPaid"]);
        expect(cart.at(-1)).toBe("CartCheckedOut");
      } else expect(cart).toEqual(["CartItemAdded"]);
    }
    await expectAvailable(admin, book, 0);
  });
});
