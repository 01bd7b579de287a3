import * as t from "io-ts";
import { schema, type EventSchema } from "./upcast.js";
import { Cents, Currency } from "./scalars.js";

const Money = t.type({ priceCents: Cents, currency: Currency });

/** Schema version 1 had one `author` string; version 2 has `authors[]`. */
const BookAddedV1 = t.type({
  bookId: t.string,
  title: t.string,
  author: t.string,
  isbn: t.string,
  category: t.string,
  description: t.string,
  priceCents: Cents,
  currency: Currency,
});
export const BookAddedData = t.type({
  bookId: t.string,
  title: t.string,
  authors: t.array(t.string),
  isbn: t.string,
  category: t.string,
  description: t.string,
  priceCents: Cents,
  currency: Currency,
});
export type BookAddedData = t.TypeOf<typeof BookAddedData>;

export const BookAdded: EventSchema<"BookAdded", BookAddedData> = {
  type: "BookAdded",
  current: 2,
  versions: { 1: BookAddedV1, 2: BookAddedData },
  upcast: {
    1: ({ author, ...rest }: t.TypeOf<typeof BookAddedV1>): BookAddedData => ({ ...rest, authors: [author] }),
  },
  codec: BookAddedData,
};

export const BookDetailsChanged = schema(
  "BookDetailsChanged",
  t.intersection([
    t.type({ bookId: t.string }),
    t.partial({ title: t.string, authors: t.array(t.string), category: t.string, description: t.string }),
  ]),
);
export const BookPriceChanged = schema("BookPriceChanged", t.intersection([t.type({ bookId: t.string }), Money]));
export const BookDiscontinued = schema("BookDiscontinued", t.type({ bookId: t.string }));
