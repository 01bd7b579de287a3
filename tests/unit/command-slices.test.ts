import { describe, expect, it } from "vitest";
import { event, streams } from "../../events/index.js";
import { anySlice, fromDecision } from "../../handlers/commands/slice.js";
import { givenStreams } from "../kit/given-streams.js";
import { decisionSlice } from "../../domain/slice.js";
import type * as t from "io-ts";
import { orderAggregate, OrderFulfilmentCommand, orderDecider, type OrderState } from "../../domain/order.js";
import { pick, picksSlice, picksStream } from "./fixture-aggregate.js";
import { bookAdded, itemAdded, kr, orderPaid, orderPlaced, placedFromCart, received, reserved, sicp } from "./fixtures.js";
import { SHIP_TO } from "../kit/ship-to.js";

describe("a fixture aggregate through the slice API alone", () => {
  const slices = [anySlice(fromDecision(picksSlice))];

  it("its command writes its stream, reading the books it needs", async () => {
    await givenStreams({ [streams.book("sicp")]: [bookAdded(sicp)] }, { slices })
      .when(pick("sicp"))
      .then({ [picksStream]: [event("BookRated", { bookId: "sicp", customerId: "shop1", stars: 5, previousStars: null })] });
  });

  it("its refusals are the domain's, and nothing is written", async () => {
    await givenStreams({}, { slices }).when(pick("nope")).thenFails({ kind: "BookNotFound", bookId: "nope" });
  });

  it("a slice that names fewer command types than its codec has does not compile", () => {
    // @ts-expect-error DeliverOrder is a command of the codec but no type of the slice
    const declared = decisionSlice<t.TypeOf<typeof OrderFulfilmentCommand>, OrderState, ["ShipOrder"]>({
      codec: OrderFulfilmentCommand,
      types: ["ShipOrder"],
      target: (c) => ({ aggregate: orderAggregate, id: c.orderId }),
      decide: (c, s) => orderDecider.decide(c, s),
    });
    expect(declared.types).toEqual(["ShipOrder"]);
  });

  it("a decision of no events writes nothing", async () => {
    await givenStreams({ [streams.book("sicp")]: [bookAdded(sicp)], [picksStream]: [event("BookRated", { bookId: "sicp", customerId: "shop1", stars: 5, previousStars: null })] }, { slices })
      .when(pick("sicp"))
      .then({});
  });
});

const alice = "alice";
const placed = (orderId: string) => ({ ...orderPlaced, data: { ...orderPlaced.data, orderId } });

describe("checkout and cancellation, given streams", () => {
  const catalogue = { [streams.book("sicp")]: [bookAdded(sicp)], [streams.book("kr")]: [bookAdded(kr)] };

  it("a checkout without a token places the order, reserves each line in the order's reservation and checks the cart out", async () => {
    const { written } = await givenStreams({
      ...catalogue,
      [streams.inventory("sicp")]: [received("sicp", 5)],
      [streams.inventory("kr")]: [received("kr", 1)],
      [streams.cart(alice)]: [itemAdded(alice, sicp, 2), itemAdded(alice, kr, 1)],
    })
      .when({ type: "Checkout", shippingAddress: SHIP_TO, customerId: alice, orderId: "o1" })
      .then({
        [streams.order("o1")]: [placedFromCart("o1", alice, "2026-01-01T00:00:00.000Z")],
        [streams.reservation("o1")]: [reserved("sicp", "o1", 2), reserved("kr", "o1", 1)],
        [streams.cart(alice)]: [event("CartCheckedOut", { customerId: alice, orderId: "o1" })],
      });
    // No book's inventory stream is written: checkouts of one book meet only at its counter.
    expect(Object.keys(written).some((s) => s.startsWith("inventory#"))).toBe(false);
  });

  it("a checkout of more than the shelf holds is refused with every short line, and nothing is written", async () => {
    await givenStreams({
      ...catalogue,
      [streams.inventory("sicp")]: [received("sicp", 1)],
      [streams.inventory("kr")]: [received("kr", 1)],
      [streams.cart(alice)]: [itemAdded(alice, sicp, 2), itemAdded(alice, kr, 1)],
    })
      .when({ type: "Checkout", shippingAddress: SHIP_TO, customerId: alice, orderId: "o1" })
      .thenFails({ kind: "InsufficientStock", lines: [{ bookId: "sicp", requested: 2, available: 1 }] });
  });

  it("cancelling a placed order cancels it and releases its reservation", async () => {
    await givenStreams({
      [streams.inventory("sicp")]: [received("sicp", 5)],
      [streams.inventory("kr")]: [received("kr", 1)],
      [streams.order("o1")]: [placed("o1")],
      [streams.reservation("o1")]: [reserved("sicp", "o1", 2), reserved("kr", "o1", 1)],
    })
      .when({ type: "CancelOrder", orderId: "o1", actor: { role: "customer", customerId: alice } })
      .then({
        [streams.order("o1")]: [event("OrderCancelled", { orderId: "o1", reason: "cancelled by the customer", by: "customer" })],
        [streams.reservation("o1")]: [event("ReservationReleased", { bookId: "sicp", orderId: "o1", quantity: 2 }), event("ReservationReleased", { bookId: "kr", orderId: "o1", quantity: 1 })],
      });
  });

  it("an order shipped once cannot be shipped again", async () => {
    const at = "2026-03-02T09:00:00.000Z";
    const sent = event("ShipmentDispatched", { orderId: "o1", shipmentId: "s1", carrier: "DHL", trackingNumber: "T1", lines: [{ bookId: "sicp", quantity: 2 }, { bookId: "kr", quantity: 1 }], shippedAt: at });
    await givenStreams({ [streams.order("o1")]: [placed("o1"), orderPaid, sent, event("OrderShipped", { orderId: "o1" })] })
      .when({ type: "ShipOrder", orderId: "o1", shipmentId: "s2", carrier: "DHL", trackingNumber: "T2", at })
      .thenFails("IllegalOrderTransition");
  });
});
