import { describe, expect, it } from "vitest";
import { isLeft, isRight } from "fp-ts/lib/Either.js";
import { catalogue, decodeEvent, describeDecodeError, eventTypes, StreamId, streams, type RawEnvelope } from "../../events/index.js";

const envelope = (type: string, schemaVersion: number, data: unknown) =>
  ({
    eventId: "01JNH0000000000000000000AB",
    type,
    schemaVersion,
    streamId: "book#b1",
    version: 1,
    occurredAt: "2026-03-01T10:00:00.000Z",
    data,
    meta: { correlationId: "c", causationId: "c", actor: "admin", commandId: "cmd" },
  }) as RawEnvelope;

const v1Book = {
  bookId: "b1",
  title: "The Odyssey",
  author: "Homer",
  isbn: "9780140449136",
  category: "classics",
  description: "",
  priceCents: 1299,
  currency: "EUR",
};

describe("the event catalogue", () => {
  it("reads an old BookAdded (schema 1, one author) as the current shape with authors[]", () => {
    const decoded = decodeEvent(envelope("BookAdded", 1, v1Book));
    if (!isRight(decoded)) throw new Error(describeDecodeError(decoded.left));
    expect(decoded.right.type).toBe("BookAdded");
    expect(decoded.right.data).toEqual({ ...Object.fromEntries(Object.entries(v1Book).filter(([k]) => k !== "author")), authors: ["Homer"] });
    expect(decoded.right.data).not.toHaveProperty("author");
    expect(decoded.right.eventId).toBe("01JNH0000000000000000000AB");
  });

  it("reads a current BookAdded unchanged", () => {
    const { author: _a, ...rest } = v1Book;
    const decoded = decodeEvent(envelope("BookAdded", 2, { ...rest, authors: ["Homer", "Emily Wilson"] }));
    expect(isRight(decoded) && decoded.right.data).toEqual({ ...rest, authors: ["Homer", "Emily Wilson"] });
  });

  it("reads an OrderPlaced of schema 1 (before addresses) as having none, and a schema 2 one with its address", () => {
    const v1Order = {
      orderId: "o1",
      customerId: "c1",
      lines: [{ bookId: "b1", title: "T", quantity: 1, unitPriceCents: 100, lineTotalCents: 100 }],
      itemCount: 1,
      totalCents: 100,
      currency: "EUR",
      placedAt: "2026-03-01T10:00:00.000Z",
    };
    const old = decodeEvent(envelope("OrderPlaced", 1, v1Order));
    expect(isRight(old) && old.right.data).toEqual({ ...v1Order, shippingAddress: null });
    const address = { name: "Ada", line1: "1 Way", city: "London", postalCode: "N1", country: "GB" };
    const current = decodeEvent(envelope("OrderPlaced", 2, { ...v1Order, shippingAddress: address }));
    expect(isRight(current) && current.right.data).toEqual({ ...v1Order, shippingAddress: address });
    const badCountry = decodeEvent(envelope("OrderPlaced", 2, { ...v1Order, shippingAddress: { ...address, country: "GBR" } }));
    expect(isLeft(badCountry) && describeDecodeError(badCountry.left)).toContain("country");
  });

  it("refuses an unknown event type with a typed error", () => {
    const decoded = decodeEvent(envelope("BookBurned", 1, {}));
    expect(isLeft(decoded) && decoded.left).toEqual({ kind: "UnknownEventType", type: "BookBurned" });
    expect(isLeft(decoded) && describeDecodeError(decoded.left)).toBe('unknown event type "BookBurned"');
  });

  it("refuses a schema version from the future", () => {
    const decoded = decodeEvent(envelope("BookAdded", 3, v1Book));
    expect(isLeft(decoded) && decoded.left).toEqual({ kind: "UnknownSchemaVersion", type: "BookAdded", schemaVersion: 3 });
  });

  it("refuses a payload that does not fit its schema version, naming the field", () => {
    const decoded = decodeEvent(envelope("BookAdded", 1, { ...v1Book, priceCents: 12.5 }));
    if (!isLeft(decoded)) throw new Error("decoded a fractional price");
    expect(decoded.left.kind).toBe("InvalidPayload");
    expect(describeDecodeError(decoded.left)).toContain("priceCents");
  });

  it("refuses a v1 payload presented as v2 (authors missing)", () => {
    const decoded = decodeEvent(envelope("BookAdded", 2, v1Book));
    expect(isLeft(decoded) && decoded.left.kind).toBe("InvalidPayload");
    expect(isLeft(decoded) && describeDecodeError(decoded.left)).toContain("authors");
  });

  it.each([
    ["StockReserved", { bookId: "b", orderId: "o", quantity: 0 }, "quantity"],
    ["StockAdjusted", { bookId: "b", delta: 1, reason: " " }, "reason"],
    ["CartItemAdded", { customerId: "c", bookId: "b", title: "t", quantity: 1, unitPriceCents: 100, currency: "eur" }, "currency"],
    ["OrderCancelled", { orderId: "o", reason: "r", by: "robot" }, "by"],
    ["BookRated", { bookId: "b", customerId: "c", stars: 6, previousStars: null }, "stars"],
    ["PaymentCaptured", { orderId: "o", chargeId: "ch", amountCents: -1, currency: "EUR" }, "amountCents"],
  ])("refuses a %s whose %j breaks a field", (type, data, field) => {
    const decoded = decodeEvent(envelope(type, 1, data));
    expect(isLeft(decoded) && describeDecodeError(decoded.left)).toContain(field);
  });

  it("files every schema under its own type, so decodeEvent finds the right codec", () => {
    for (const type of eventTypes) expect(catalogue[type].type).toBe(type);
  });
});

describe("stream ids", () => {
  it("every aggregate's stream id is a valid partition key naming its aggregate", () => {
    const ids = [
      streams.book("b1"),
      streams.inventory("b1"),
      streams.cart("alice"),
      streams.order("o1"),
      streams.payment("o1"),
      streams.rating("b1", "alice"),
    ];
    expect(ids).toEqual(["book#b1", "inventory#b1", "cart#alice", "order#o1", "payment#o1", "rating#b1.alice"]);
    for (const id of ids) expect(StreamId.is(id)).toBe(true);
  });
});
