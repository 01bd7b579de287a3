import { expect } from "vitest";
import { streams } from "../../events/index.js";
import { bookDetail, getBookDetail } from "../../projections/book-detail.js";
import { cartView, getCart } from "../../projections/cart-view.js";
import { getInventory, inventoryView } from "../../projections/inventory-view.js";
import { getOrder, listOrders, orderHistory } from "../../projections/order-history.js";
import { freshViews } from "../support/projections-fixture.js";
import { readModelContract } from "../support/read-model-contract.js";

const freshPorts = async () => ({ views: await freshViews("views") });

readModelContract({
  projection: cartView,
  freshPorts,
  streamsOf: (shop) => [shop.browsing, shop.paidOrder.customerId].map(streams.cart),
  read: async ({ views }, shop) => ({ browsing: await getCart(views, shop.browsing), paid: await getCart(views, shop.paidOrder.customerId) }),
  expected: (shop) => ({
    browsing: {
      customerId: shop.browsing,
      lines: [{ bookId: shop.books[0], title: `Book ${shop.books[0]}`, quantity: 3, unitPriceCents: 1000, currency: "EUR", lineTotalCents: 3000 }],
      totalCents: 3000,
      currency: "EUR",
      version: 4,
    },
    // Checked out: the cart is empty again, at the version of its checkout.
    paid: { customerId: shop.paidOrder.customerId, lines: [], totalCents: 0, version: 3 },
  }),
});

readModelContract({
  projection: inventoryView,
  freshPorts,
  // A book's stock also comes from the reservation streams of the orders that name it.
  streamsOf: (shop) => [...shop.books.map(streams.inventory), ...[shop.paidOrder, shop.cancelledOrder].map((o) => streams.reservation(o.orderId))],
  read: async ({ views }, shop) => Promise.all(shop.books.map((b) => getInventory(views, b))),
  expected: (shop) => [
    // Received 10; 2 reserved and committed for the paid order.
    { bookId: shop.books[0], onHand: 8, reserved: 0, available: 8, version: expect.any(Number) },
    // Received 10; 1 sold to the paid order, 4 sold and returned by the cancelled one.
    { bookId: shop.books[1], onHand: 9, reserved: 0, available: 9, version: expect.any(Number) },
  ],
});

readModelContract({
  projection: bookDetail,
  freshPorts,
  // The book page: the book's own stream and every stream that holds its stock.
  streamsOf: (shop) => [
    ...shop.books.map(streams.book),
    ...shop.books.map(streams.inventory),
    ...[shop.paidOrder, shop.cancelledOrder].map((o) => streams.reservation(o.orderId)),
  ],
  read: async ({ views }, shop) => Promise.all([...shop.books, "no-such-book"].map((b) => getBookDetail(views, b))),
  expected: (shop) => [
    expect.objectContaining({ bookId: shop.books[0], title: `Book ${shop.books[0]}`, priceCents: 1000, discontinued: false, onHand: 8, reserved: 0, available: 8, version: 1 }),
    expect.objectContaining({ bookId: shop.books[1], title: `Book ${shop.books[1]}, Revised`, priceCents: 1500, onHand: 9, reserved: 0, available: 9, version: 2 }),
    undefined,
  ],
});

readModelContract({
  projection: orderHistory,
  freshPorts,
  streamsOf: (shop) => [shop.paidOrder.orderId, shop.cancelledOrder.orderId].map(streams.order),
  read: async ({ views }, shop) => ({
    paid: await listOrders(views, shop.paidOrder.customerId),
    cancelled: await getOrder(views, shop.cancelledOrder.orderId),
  }),
  expected: (shop) => ({
    paid: {
      orders: [
        expect.objectContaining({
          orderId: shop.paidOrder.orderId,
          customerId: shop.paidOrder.customerId,
          status: "paid",
          totalCents: 2 * 1000 + 1500,
          itemCount: 3,
          version: 2,
        }),
      ],
    },
    cancelled: expect.objectContaining({ orderId: shop.cancelledOrder.orderId, status: "cancelled", totalCents: 6000, cancellation: expect.objectContaining({ by: "customer" }) }),
  }),
});
