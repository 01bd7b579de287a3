import { type Either, isLeft, left, right } from "fp-ts/lib/Either.js";
import { decideCheckout } from "../../domain/checkout.js";
import { errors } from "../../domain/errors.js";
import { paymentDecider } from "../../domain/payment.js";
import { aggregates } from "./aggregates.js";
import type { CommandDeps } from "./deps.js";
import type { CommandError } from "./errors.js";
import { load, loadAll } from "./load.js";
import { change, type Change, type Plan } from "./run-command.js";

export interface CheckoutResult {
  readonly orderId: string;
  readonly totalCents: number;
  readonly currency: string;
}

/**
 * One atomic append over the order, every book's inventory (the reservation), the cart
 * (checked out) and, when a card token came with it, the payment request. If any book is
 * short, nothing is written and the error lists every short line.
 */
export const planCheckout = async (
  deps: CommandDeps,
  { customerId, orderId, paymentToken }: { customerId: string; orderId: string; paymentToken?: string },
): Promise<Either<CommandError, Plan<CheckoutResult>>> => {
  const cart = await load(deps, aggregates.cart, customerId);
  if (isLeft(cart)) return cart;
  const bookIds = cart.right.state.lines.map((l) => l.bookId);
  if (bookIds.length === 0) return left(errors.emptyCart());
  const [books, inventories] = await Promise.all([loadAll(deps, aggregates.book, bookIds), loadAll(deps, aggregates.inventory, bookIds)]);
  if (isLeft(books)) return books;
  if (isLeft(inventories)) return inventories;
  const catalogue = new Map([...books.right].flatMap(([id, b]) => (b.state === null ? [] : [[id, b.state] as const])));
  const decided = decideCheckout({
    customerId,
    orderId,
    cart: cart.right.state,
    books: catalogue,
    inventories: new Map([...inventories.right].map(([id, l]) => [id, l.state])),
    now: deps.clock(),
  });
  if (isLeft(decided)) return decided;
  const { order, cart: cartEvents, inventories: reservations } = decided.right;
  const placed = order.find((e) => e.type === "OrderPlaced");
  if (placed === undefined) throw new Error("decideCheckout placed no order");
  const { totalCents, currency } = placed.data;

  const orderStream = await load(deps, aggregates.order, orderId);
  if (isLeft(orderStream)) return orderStream;
  if (orderStream.right.version > 0) return left(errors.orderAlreadyExists(orderId));
  const changes: Change[] = [change(orderStream.right, order), change(cart.right, cartEvents)];
  for (const [bookId, events] of reservations) changes.push(change(inventories.right.get(bookId)!, events));
  if (paymentToken !== undefined) {
    const payment = await load(deps, aggregates.payment, orderId);
    if (isLeft(payment)) return payment;
    const requested = paymentDecider.decide(
      { type: "RequestPayment", orderId, amountCents: totalCents, currency, idempotencyKey: `order-${orderId}` },
      payment.right.state,
    );
    if (isLeft(requested)) return requested;
    changes.push(change(payment.right, requested.right));
  }
  return right({ changes, result: { orderId, totalCents, currency } });
};
