import * as t from "io-ts";
import { left, right } from "fp-ts/lib/Either.js";
import { defineAggregate } from "../../domain/aggregate.js";
import { errors } from "../../domain/errors.js";
import { decisionSlice } from "../../domain/slice.js";
import { strict } from "../../domain/strict.js";
import { event, Id, Int, streamId, type EventOf } from "../../events/index.js";
import type { Command } from "../../handlers/commands/slices.js";

// A fixture aggregate declared through the slice API alone: a shelf of staff picks, one stream
// per shop, that takes a book once and refuses one the catalogue does not know.
export const PickBook = strict({ type: t.literal("PickBook"), shopId: Id, bookId: Id, stars: Int });
type PickBook = t.TypeOf<typeof PickBook>;
type Picks = readonly string[];
export const picksAggregate = defineAggregate<Picks>("picks", (id) => streamId("rating", `picks.${id}`), {
  initialState: [] as Picks,
  evolve: (s: Picks, e: EventOf<"BookRated">) => [...s, e.data.bookId],
});
export const picksSlice = decisionSlice({
  codec: PickBook,
  types: ["PickBook"],
  target: (c: PickBook) => ({ aggregate: picksAggregate, id: c.shopId }),
  needs: (c: PickBook) => ({ books: [c.bookId] }),
  decide: (c: PickBook, s: Picks, { books }) =>
    !books.has(c.bookId)
      ? left(errors.bookNotFound(c.bookId))
      : right(s.includes(c.bookId) ? [] : [event("BookRated", { bookId: c.bookId, customerId: c.shopId, stars: c.stars, previousStars: null })]),
});
export const pick = (bookId: string) => ({ type: "PickBook", shopId: "shop1", bookId, stars: 5 }) as unknown as Command;
export const picksStream = streamId("rating", "picks.shop1");

