import * as t from "io-ts";
import { Cents, Currency, Id, MinVersion } from "./common.js";
import { intBetween, intQuery, matching } from "./refine.js";
import { strict } from "./strict.js";

export const OrderIdPath = strict("OrderIdPath", { orderId: Id });
export const OrderQuery = strict("OrderQuery", {}, { minVersion: MinVersion });
export const OrderStatus = t.keyof(
  { placed: null, paid: null, "payment-failed": null, shipped: null, delivered: null, cancelled: null },
  "OrderStatus",
);
/** The last order of the previous page, as that page's `nextCursor` gave it. */
const OrdersCursor = matching("OrdersCursor", /^order#[A-Za-z0-9_-]{1,64}$/);
export const OrdersQuery = strict("OrdersQuery", {}, { cursor: OrdersCursor, limit: intQuery("Limit", 1, 100) });

export const OrderLine = t.type(
  { bookId: Id, title: t.string, quantity: intBetween("OrderedQuantity", 1, 99), unitPriceCents: Cents, lineTotalCents: Cents },
  "OrderLine",
);
export const OrderView = t.type(
  {
    orderId: Id,
    status: OrderStatus,
    lines: t.array(OrderLine),
    totalCents: Cents,
    currency: Currency,
    placedAt: t.string,
    version: intBetween("OrderVersion", 1, Number.MAX_SAFE_INTEGER),
  },
  "OrderView",
);
export const OrderSummary = t.type(
  { orderId: Id, status: OrderStatus, totalCents: Cents, currency: Currency, placedAt: t.string },
  "OrderSummary",
);
export const OrderHistory = t.intersection(
  [t.type({ items: t.array(OrderSummary) }), t.partial({ nextCursor: t.string })],
  "OrderHistory",
);

export const OrderPaymentBody = strict("OrderPaymentBody", { paymentToken: matching("PaymentToken", /^[A-Za-z0-9_-]{1,128}$/) });
/** `status`: what the payment led to. */
export const OrderPaymentResponse = t.intersection([t.type({ orderId: Id }), t.partial({ status: OrderStatus })], "OrderPaymentResponse");
