import { type Either, isLeft, left, right } from "fp-ts/lib/Either.js";
import { absurd } from "fp-ts/lib/function.js";
import { setTimeout as sleep } from "node:timers/promises";
import { bookDecider, type Book } from "../../domain/book.js";
import { cartDecider } from "../../domain/cart.js";
import { errors } from "../../domain/errors.js";
import { inventoryDecider } from "../../domain/inventory.js";
import { orderDecider } from "../../domain/order.js";
import { ratingDecider } from "../../domain/rating.js";
import type { DomainEvent } from "../../events/index.js";
import { aggregates, ratingAggregate, type Aggregate } from "./aggregates.js";
import { planCheckout } from "./checkout.js";
import type { Command } from "./commands.js";
import type { CommandDeps, CommandMeta } from "./deps.js";
import type { CommandError } from "./errors.js";
import { load, loadAll, type Loaded } from "./load.js";
import { planCancellation, planChargeOutcome, pendingCharge } from "./order-transitions.js";
import { change, createRunner, type CommandOutcome, type Plan } from "./run-command.js";

export interface StreamResult {
  readonly streamId: string;
  readonly version: number;
}
export interface CheckoutOutcome {
  readonly orderId: string;
  readonly totalCents: number;
  readonly currency: string;
  /** `placed` without a card token; otherwise what the payment led to: `paid`, `cancelled`, or `placed` while it is still pending. */
  readonly status: string;
}
export type CommandResult = StreamResult | CheckoutOutcome | { readonly orderId: string; readonly status: string };

export interface CommandHandler {
  handle(command: Command, meta: CommandMeta): Promise<Either<CommandError, CommandOutcome<CommandResult>>>;
  /** Waits for off-the-hot-path work (snapshots); for tests, benchmarks and shutdown. */
  settle(): Promise<void>;
}

type Decide<S> = (state: S) => Either<CommandError, readonly DomainEvent[]>;

/** The catalogue entries of the given books, for deciders that price or check them. */
const catalogueOf = async (deps: CommandDeps, bookIds: readonly string[]) => {
  const books = await loadAll(deps, aggregates.book, bookIds);
  if (isLeft(books)) return books;
  return right({ books: new Map([...books.right].flatMap(([id, b]) => (b.state === null ? [] : [[id, b.state] as [string, Book]]))) });
};

export const createCommandHandler = (deps: CommandDeps): CommandHandler => {
  const runner = createRunner(deps);

  const single = async <S>(aggregate: Aggregate<S>, id: string, decide: Decide<S>): Promise<Either<CommandError, Plan<StreamResult>>> => {
    const loaded = await load(deps, aggregate, id);
    if (isLeft(loaded)) return loaded;
    const events = decide(loaded.right.state);
    if (isLeft(events)) return events;
    return right({
      changes: [change(loaded.right, events.right)],
      result: { streamId: loaded.right.streamId, version: loaded.right.version + events.right.length },
    });
  };

  /** Stock may only be received or adjusted for a book the catalogue knows. */
  const withKnownBook = async <S>(bookId: string, then: () => Promise<Either<CommandError, Plan<S>>>) => {
    const book = await load(deps, aggregates.book, bookId);
    if (isLeft(book)) return book;
    return book.right.state === null ? left(errors.bookNotFound(bookId)) : then();
  };

  const settlePayment = async (orderId: string, token: string, meta: CommandMeta): Promise<Either<CommandError, string>> => {
    const attempts = deps.chargeAttempts ?? 3;
    for (let attempt = 0; ; attempt++) {
      const payment = await pendingCharge(deps, orderId);
      if (isLeft(payment)) return payment;
      const order = await load(deps, aggregates.order, orderId);
      if (isLeft(order)) return order;
      const status = order.right.state?.status ?? "unknown";
      if (payment.right.status !== "requested" || attempt >= attempts) return right(status);
      const { idempotencyKey, amountCents, currency } = payment.right;
      // The processor's own idempotency key is the order's: a charge retried for any reason is one charge.
      const outcome = await deps.payments.charge({ idempotencyKey, token, amountCents, currency });
      const recorded = await runner.run({ ...meta, commandId: undefined, causationId: meta.commandId }, () =>
        planChargeOutcome(deps, orderId, outcome),
      );
      if (isLeft(recorded)) {
        // Another request settling the same order (a repeated checkout) may have recorded the
        // outcome first, and this one's reads of the payment, order and stock may straddle that
        // write. If the payment is settled now, the loop answers the order's status.
        const now = await pendingCharge(deps, orderId);
        if (isLeft(now) || now.right.status === "requested") return recorded;
        continue;
      }
      if (outcome.status !== "failed") return right(recorded.right.result.status);
      await sleep(50 * 2 ** attempt * (0.5 + deps.random()));
    }
  };

  const handle = async (command: Command, meta: CommandMeta): Promise<Either<CommandError, CommandOutcome<CommandResult>>> => {
    switch (command.type) {
      case "AddBook":
      case "ChangeBookDetails":
      case "ChangeBookPrice":
      case "DiscontinueBook":
        return runner.run(meta, () => single(aggregates.book, command.bookId, (s) => bookDecider.decide(command, s)));
      case "ReceiveStock":
      case "AdjustStock":
        return runner.run(meta, () =>
          withKnownBook(command.bookId, () => single(aggregates.inventory, command.bookId, (s) => inventoryDecider.decide(command, s))),
        );
      case "AddCartItem":
      case "ChangeCartItemQuantity":
      case "RemoveCartItem":
      case "ClearCart":
        return runner.run(meta, async () => {
          const context = await catalogueOf(deps, command.type === "AddCartItem" ? [command.bookId] : []);
          if (isLeft(context)) return context;
          return single(aggregates.cart, command.customerId, (s) => cartDecider.decide(command, s, context.right));
        });
      case "RateBook":
        return runner.run(meta, async () => {
          const context = await catalogueOf(deps, [command.bookId]);
          if (isLeft(context)) return context;
          return single(ratingAggregate(command.customerId), command.bookId, (s) => ratingDecider.decide(command, s, context.right));
        });
      case "ShipOrder":
      case "DeliverOrder":
        return runner.run(meta, () => single(aggregates.order, command.orderId, (s) => orderDecider.decide(command, s)));
      case "CancelOrder":
        return runner.run(meta, () =>
          planCancellation(deps, {
            orderId: command.orderId,
            actor: command.actor,
            ...(command.reason === undefined ? {} : { reason: command.reason }),
          }),
        );
      case "Checkout": {
        const placed = await runner.run(meta, () => planCheckout(deps, command));
        if (isLeft(placed) || command.paymentToken === undefined) {
          return isLeft(placed) ? placed : right({ ...placed.right, result: { ...placed.right.result, status: "placed" } });
        }
        const status = await settlePayment(placed.right.result.orderId, command.paymentToken, meta);
        if (isLeft(status)) return status;
        return right({ ...placed.right, result: { ...placed.right.result, status: status.right } });
      }
      default:
        return absurd(command);
    }
  };

  return { handle, settle: () => runner.settle() };
};

export type { Loaded };
