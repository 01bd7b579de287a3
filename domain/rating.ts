import * as t from "io-ts";
import { left, right, type Either } from "fp-ts/lib/Either.js";
import { event, Id, Int, type EventOf, streams } from "../events/index.js";
import type { CatalogueContext } from "./book.js";
import type { Decider } from "./decider.js";
import { errors, type DomainError } from "./errors.js";
import { strict } from "./strict.js";
import { defineAggregate, type Aggregate } from "./aggregate.js";
import { decisionSlice } from "./slice.js";

/**
 * Any signed-in customer may rate any book that exists, bought or not. Knowing who bought a
 * book would mean reading every order of the customer: there is no single stream of a
 * customer's paid orders (the cart stream records checkouts, not payments or cancellations),
 * so a "verified buyer" rule cannot be decided cheaply and honestly here. A projection could
 * flag verified ratings later without changing this decider.
 */
export const RateBook = strict({ type: t.literal("RateBook"), bookId: Id, customerId: Id, stars: Int });
export type RatingCommand = t.TypeOf<typeof RateBook>;

export type RatingEvent = EventOf<"BookRated">;
/** One customer's rating of one book (stream `rating#<bookId>.<customerId>`). */
export interface RatingState {
  readonly stars: number | null;
}

const decide = (cmd: RatingCommand, s: RatingState, { books }: CatalogueContext): Either<DomainError, RatingEvent[]> => {
  if (!books.has(cmd.bookId)) return left(errors.bookNotFound(cmd.bookId));
  if (!Number.isInteger(cmd.stars) || cmd.stars < 1 || cmd.stars > 5) return left(errors.invalidStars(cmd.stars));
  if (s.stars === cmd.stars) return right([]);
  return right([event("BookRated", { bookId: cmd.bookId, customerId: cmd.customerId, stars: cmd.stars, previousStars: s.stars })]);
};

export const ratingDecider: Decider<RatingCommand, RatingState, RatingEvent, DomainError, CatalogueContext> = {
  initialState: { stars: null },
  evolve: (_s, e) => ({ stars: e.data.stars }),
  decide,
};

/** One customer's ratings, one stream per book: the aggregate depends on who rates. */
export const ratingAggregate = (customerId: string): Aggregate<RatingState> =>
  defineAggregate<RatingState>("rating", (bookId) => streams.rating(bookId, customerId), ratingDecider);

export const ratingSlice = decisionSlice({
  codec: RateBook,
  types: ["RateBook"],
  target: (c) => ({ aggregate: ratingAggregate(c.customerId), id: c.bookId }),
  needs: (c) => ({ books: [c.bookId] }),
  decide: (c, s, context) => ratingDecider.decide(c, s, context),
});
