import { type Either, isLeft, left, right } from "fp-ts/lib/Either.js";
import { absurd } from "fp-ts/lib/function.js";
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
import { planCancellation } from "./order-transitions.js";
import { createOrderFlow } from "./payments.js";
import { stockCounterChanges, stockLevels } from "./stock.js";
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

  const flow = createOrderFlow(deps, runner);

  /**
   * The status a checkout answers, once its order is placed. With a token the payment is settled
   * (a retry of the checkout with the same key settles what the first left requested, under the
   * same processor key); without one, or if settling fails, the order as it stands: the sweep of
   * unpaid orders reconciles or ends it. Never an error: the order exists.
   */
  const finishCheckout = async (orderId: string, token: string | undefined, meta: CommandMeta): Promise<string> => {
    if (token !== undefined) {
      try {
        const settled = await flow.settlePayment(orderId, token, meta);
        if (!isLeft(settled)) return settled.right;
        deps.onDeferred?.(settled.left);
      } catch (e) {
        deps.onDeferred?.(e);
      }
    }
    try {
      return await flow.statusOf(orderId);
    } catch (e) {
      deps.onDeferred?.(e);
      return "placed";
    }
  };

  const answered = (orderId: string, status: Either<CommandError, string>): Either<CommandError, CommandOutcome<CommandResult>> =>
    isLeft(status) ? status : right({ result: { orderId, status: status.right }, versions: {}, duplicate: false });

  /** Stock received or written down: the book's inventory stream and its stock counter, in one transaction. */
  const stockChange = async (command: Extract<Command, { type: "ReceiveStock" | "AdjustStock" }>): Promise<Either<CommandError, Plan<StreamResult>>> => {
    const [stream, levels] = await Promise.all([load(deps, aggregates.inventory, command.bookId), stockLevels(deps, [command.bookId])]);
    if (isLeft(stream)) return stream;
    if (isLeft(levels)) return levels;
    // The stream's own fold is no longer the whole stock (reservations live with their orders): the counter is.
    const events = inventoryDecider.decide(command, levels.right.get(command.bookId)!);
    if (isLeft(events)) return events;
    return right({
      changes: [change(stream.right, events.right)],
      counters: stockCounterChanges(events.right),
      result: { streamId: stream.right.streamId, version: stream.right.version + events.right.length },
    });
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
        return runner.run(meta, () => withKnownBook(command.bookId, () => stockChange(command)));
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
      case "CancelOrder": {
        const cancelled = await runner.run(meta, () =>
          planCancellation(deps, {
            orderId: command.orderId,
            actor: command.actor,
            ...(command.reason === undefined ? {} : { reason: command.reason }),
          }),
        );
        // Its stock back (and its payment, if it was paid) at once; the order process makes sure of it.
        if (!isLeft(cancelled)) await flow.settleSoon(command.orderId, meta);
        return cancelled;
      }
      case "Checkout": {
        const placed = await runner.run(meta, () => planCheckout(deps, command));
        if (isLeft(placed)) return placed;
        // The order exists from here on: whatever befalls its payment, the answer is that order.
        const status = await finishCheckout(placed.right.result.orderId, command.paymentToken, meta);
        return right({ ...placed.right, result: { ...placed.right.result, status } });
      }
      case "PayOrder":
        return answered(command.orderId, await flow.pay(command.orderId, command.customerId, command.paymentToken, meta));
      case "SettleOrder":
        return answered(command.orderId, await flow.settleOrder(command.orderId, meta));
      case "ReviewUnpaidOrder":
        return answered(command.orderId, await flow.reviewUnpaid(command.orderId, command.holdSeconds, command.reconcileAfterSeconds, meta));
      default:
        return absurd(command);
    }
  };

  return { handle, settle: () => runner.settle() };
};

export type { Loaded };
