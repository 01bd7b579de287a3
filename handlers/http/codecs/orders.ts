import * as t from "io-ts";
import { MAX_LINE_QUANTITY, MAX_LINES } from "../../../domain/cart.js";
import { Cents, Currency, Id, MinVersion, TotalCents } from "./common.js";
import { intBetween, intQuery, matching, Timestamp, upTo } from "./refine.js";
import { Title } from "./books.js";
import { strict } from "./strict.js";

export const OrderIdPath = strict("OrderIdPath", { orderId: Id });
export const OrderQuery = strict("OrderQuery", {}, { minVersion: MinVersion });
export const OrderStatus = t.keyof(
  { placed: null, paid: null, "payment-failed": null, shipped: null, delivered: null, cancelled: null },
  "OrderStatus",
);
/** The last order of the previous page, as that page's `nextCursor` gave it. */
const OrdersCursor = matching("OrdersCursor", /^order#[A-Za-z0-9_-]{1,64}$/, 70);
export const OrdersQuery = strict("OrdersQuery", {}, { cursor: OrdersCursor, limit: intQuery("Limit", 1, 100) });

export const OrderLine = t.type(
  { bookId: Id, title: Title, quantity: intBetween("OrderedQuantity", 1, MAX_LINE_QUANTITY), unitPriceCents: Cents, lineTotalCents: TotalCents },
  "OrderLine",
);
export const OrderView = t.type(
  {
    orderId: Id,
    status: OrderStatus,
    lines: upTo(OrderLine, MAX_LINES, "OrderLines"),
    totalCents: TotalCents,
    currency: Currency,
    placedAt: Timestamp,
    version: intBetween("OrderVersion", 1, Number.MAX_SAFE_INTEGER),
  },
  "OrderView",
);
export const OrderSummary = t.type(
  { orderId: Id, status: OrderStatus, totalCents: TotalCents, currency: Currency, placedAt: Timestamp },
  "OrderSummary",
);
export const OrderHistory = t.intersection(
  [t.type({ items: upTo(OrderSummary, 100, "OrderSummaries") }), t.partial({ nextCursor: OrdersCursor })],
  "OrderHistory",
);

export const OrderPaymentBody = strict("OrderPaymentBody", { paymentToken: matching("PaymentToken", /^[A-Za-z0-9_-]{1,128}$/, 128) });
/** `status`: what the payment led to. */
export const OrderPaymentResponse = t.intersection([t.type({ orderId: Id }), t.partial({ status: OrderStatus })], "OrderPaymentResponse");
