import { type Either, isLeft, left, right } from "fp-ts/lib/Either.js";
import { Checkout, decideCheckout } from "../../domain/checkout.js";
import { errors } from "../../domain/errors.js";
import { paymentDecider } from "../../domain/payment.js";
import { aggregates, type Aggregate } from "./aggregates.js";
import type { CommandDeps } from "./deps.js";
import type { CommandError } from "./errors.js";
import { load, loadAll, type Loaded } from "./load.js";
import { change, type Change, type Plan } from "./run-command.js";
import type { CommandSlice } from "./slice.js";
import { stockCounterChanges, stockLevels } from "./stock.js";

export interface CheckoutResult {
  readonly orderId: string;
  readonly totalCents: number;
  readonly currency: string;
}

/** A stream that must not exist yet: the order's own streams, under an id minted for this checkout. */
const fresh = <S>(aggregate: Aggregate<S>, id: string): Loaded<S> => ({ aggregate, streamId: aggregate.stream(id), state: aggregate.initialState, version: 0 });

/**
 * One atomic append: the order placed, its reservation (a `StockReserved` per line, in the
 * order's reservation stream), the cart checked out, the payment requested when a card token
 * came with it, and each book's stock counter moved from available to reserved, guarded so that
 * it never goes below zero. No book's inventory stream is written, so checkouts of the same book
 * do not conflict: they meet only at the counter, whose guard DynamoDB checks as it commits.
 * If any book is short, nothing is written and the error lists every short line.
 */
export const planCheckout = async (
  deps: CommandDeps,
  { customerId, orderId, paymentToken, shippingAddress }: Checkout,
): Promise<Either<CommandError, Plan<CheckoutResult>>> => {
  const cart = await load(deps, aggregates.cart, customerId);
  if (isLeft(cart)) return cart;
  const bookIds = cart.right.state.lines.map((l) => l.bookId);
  if (bookIds.length === 0) return left(errors.emptyCart());
  const [books, levels] = await Promise.all([loadAll(deps, aggregates.book, bookIds), stockLevels(deps, bookIds)]);
  if (isLeft(books)) return books;
  if (isLeft(levels)) return levels;
  const catalogue = new Map([...books.right].flatMap(([id, b]) => (b.state === null ? [] : [[id, b.state] as const])));
  const decided = decideCheckout({ customerId, orderId, cart: cart.right.state, books: catalogue, inventories: levels.right, shippingAddress: shippingAddress ?? null, now: deps.clock() });
  if (isLeft(decided)) return decided;
  const { order, cart: cartEvents, reservation } = decided.right;
  const placed = order.find((e) => e.type === "OrderPlaced");
  if (placed === undefined) throw new Error("decideCheckout placed no order");
  const { totalCents, currency } = placed.data;

  const changes: Change[] = [
    change(fresh(aggregates.order, orderId), order),
    change(fresh(aggregates.reservation, orderId), reservation),
    change(cart.right, cartEvents),
  ];
  if (paymentToken !== undefined) {
    const requested = paymentDecider.decide(
      { type: "RequestPayment", orderId, amountCents: totalCents, currency, idempotencyKey: `order-${orderId}` },
      aggregates.payment.initialState,
    );
    if (isLeft(requested)) return requested;
    changes.push(change(fresh(aggregates.payment, orderId), requested.right));
  }
  return right({ changes, counters: stockCounterChanges(reservation), result: { orderId, totalCents, currency } });
};

/** Checkout: the order placed (one atomic append, above), then, with a card token, its payment. */
export const checkoutSlice: CommandSlice<Checkout> = {
  codec: Checkout,
  types: ["Checkout"],
  handle: async ({ deps, runner, flow }, command, meta) => {
    const placed = await runner.run(meta, () => planCheckout(deps, command));
    if (isLeft(placed)) return placed;
    // The order exists from here on: whatever befalls its payment, the answer is that order.
    const status = await flow.finishCheckout(placed.right.result.orderId, command.paymentToken, meta);
    return right({ ...placed.right, result: { ...placed.right.result, status } });
  },
};
