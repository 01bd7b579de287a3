import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import { idOf, type StreamId } from "../../events/index.js";
import { redisProjection, viewProjection } from "../../projections/builder.js";
import { bestsellers } from "../../projections/bestsellers.js";
import { cartView } from "../../projections/cart-view.js";
import { orderHistory } from "../../projections/order-history.js";
import { defaultBatch } from "../../projections/projection.js";
import { salesByCategory } from "../../projections/sales-by-category.js";
import { topRated } from "../../projections/top-rated.js";

const Count = t.type({ count: t.number });
const count = (state: { count: number } | undefined) => ({ count: (state?.count ?? 0) + 1 });
/** A view counting its stream's events, less the name and what it handles. */
const counting = { version: 1, state: Count, viewOf: (e: { readonly streamId: StreamId }) => ({ id: idOf(e.streamId) }) };

describe("the projection builders", () => {
  it("derive the batch settings, the keys a rebuild drops and the stores from the declaration", () => {
    const view = viewProjection({
      name: "fixture-count",
      version: 3,
      keyPrefix: "fixture-count#",
      eventTypes: ["CartItemAdded", "CartCheckedOut"],
      state: Count,
      viewOf: (e) => ({ id: idOf(e.streamId) }),
      evolve: { CartItemAdded: count, CartCheckedOut: count },
      batch: { batchSize: 10 },
    });
    expect(view).toMatchObject({ name: "fixture-count", version: 3, eventTypes: ["CartItemAdded", "CartCheckedOut"], keys: { views: ["fixture-count#"] } });
    expect(view.batch).toEqual({ ...defaultBatch, batchSize: 10 });
    expect(view.stores).toBeUndefined();
    expect(view.keyOf({ id: "c1" })).toEqual({ pk: "fixture-count#c1", sk: "view" });

    const ranking = redisProjection({
      name: "fixture-ranking",
      version: 1,
      redisKeys: { ranking: "fixture:ranking", book: (bookId: string) => `fixture:book:${bookId}` },
      eventTypes: ["BookRated"],
      evolve: { BookRated: () => undefined },
    });
    expect(ranking).toMatchObject({ stores: ["cache"], keys: { redis: ["fixture:ranking", "fixture:book:*"] }, batch: defaultBatch });
  });

  it("give the converted projections the keys and batches they declared by hand before", () => {
    expect(cartView.keys).toEqual({ views: ["cart#"] });
    expect(orderHistory.keys).toEqual({ views: ["orders#", "order#"] });
    expect(bestsellers.keys).toEqual({ redis: ["bestsellers", "bestsellers:order:*"] });
    expect(topRated.keys).toEqual({ redis: ["top-rated", "ratings:*"] });
    expect(salesByCategory.keys).toEqual({ redis: ["sales:categories", "sales:order:*", "sales:day:*"] });
    for (const p of [cartView, orderHistory, bestsellers, topRated, salesByCategory]) expect(p.batch, p.name).toEqual(defaultBatch);
    for (const p of [bestsellers, topRated, salesByCategory]) expect(p.stores, p.name).toEqual(["cache"]);
  });

  it("refuse, at compile time, an evolve that leaves out a handled type or handles one not listed", () => {
    // Built only for the type checker: `npm run typecheck` fails if these stop being errors.
    const declarations = () => [
      viewProjection({
        ...counting,
        name: "missing-case",
        keyPrefix: "missing#",
        eventTypes: ["CartItemAdded", "CartCheckedOut"],
        // @ts-expect-error CartCheckedOut has no case
        evolve: { CartItemAdded: count },
      }),
      viewProjection({
        ...counting,
        name: "extra-case",
        keyPrefix: "extra#",
        eventTypes: ["CartItemAdded"],
        // @ts-expect-error CartCleared is not a handled type
        evolve: { CartItemAdded: count, CartCleared: count },
      }),
      redisProjection({
        name: "missing-script",
        version: 1,
        redisKeys: { ranking: "ranking" },
        eventTypes: ["BookRated", "BookAdded"],
        // @ts-expect-error BookAdded has no case
        evolve: { BookRated: () => undefined },
      }),
    ];
    expect(declarations).toBeTypeOf("function");
  });
});
