import * as t from "io-ts";
import { schema } from "./upcast.js";
import { Stars } from "./scalars.js";

/**
 * A customer's stars for a book. `previousStars` is what this rating replaces (null the first
 * time), so a projection can keep an average without reading the customer's history.
 */
export const BookRated = schema(
  "BookRated",
  t.type({ bookId: t.string, customerId: t.string, stars: Stars, previousStars: t.union([Stars, t.null]) }),
);
