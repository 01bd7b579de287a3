import { isLeft } from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { describeErrors, idOf, type StoredEvent, type StreamId } from "../events/index.js";
import type { ViewsPort } from "./ports.js";
import { foldStock, stockEventTypes, stockTotalOf, type StockLayout, type StockTotal } from "./stock.js";
import { foldBatch, idOfKey, readItems, type StoredView, type ViewKey } from "./stream-view.js";

/**
 * A book's fields and its stock, folded side by side in one partition of the views table:
 * `<prefix><bookId>` holds the book (`book`) and its stock total (`stock`), so a reader gets both
 * in one request. An order's reservations are followed at `<prefix><streamId>` (a stream id holds
 * a `#`, a book id never does). The book page and the search index each keep their own, under
 * their own prefix, so either can be rebuilt alone.
 */

export const bookEventTypes = ["BookAdded", "BookDetailsChanged", "BookPriceChanged", "BookDiscontinued"] as const;
export const bookAndStockEventTypes = [...bookEventTypes, ...stockEventTypes] as const;
const isBookEvent = (e: StoredEvent) => (bookEventTypes as readonly string[]).includes(e.type);

export const BookFields = t.type({
  bookId: t.string,
  title: t.string,
  authors: t.readonlyArray(t.string),
  isbn: t.string,
  category: t.string,
  description: t.string,
  priceCents: t.number,
  currency: t.string,
  discontinued: t.boolean,
  addedAt: t.string,
});
export type BookFields = t.TypeOf<typeof BookFields>;
const StoredBook = t.type({ state: BookFields, version: t.number, streamId: t.string, updatedAt: t.string });

export const evolveBook = (state: BookFields | undefined, e: StoredEvent): BookFields => {
  if (e.type === "BookAdded") {
    const { bookId, title, authors, isbn, category, description, priceCents, currency } = e.data;
    return { bookId, title, authors, isbn, category, description, priceCents, currency, discontinued: false, addedAt: e.occurredAt };
  }
  if (state === undefined) throw new Error(`${e.type} before BookAdded in ${e.streamId}`);
  switch (e.type) {
    case "BookDetailsChanged": {
      const { bookId: _id, ...changes } = e.data;
      return { ...state, ...changes };
    }
    case "BookPriceChanged":
      return { ...state, priceCents: e.data.priceCents, currency: e.data.currency };
    case "BookDiscontinued":
      return { ...state, discontinued: true };
    default:
      return state;
  }
};

/** A book as folded: its fields at the book stream's version, and its stock total. */
export interface FoldedBook {
  /** Undefined until BookAdded is folded (stock may come first). */
  readonly book: StoredView<BookFields> | undefined;
  readonly stock: StockTotal;
}

export interface BookFolds {
  readonly bookKey: (bookId: string) => ViewKey;
  readonly stock: StockLayout;
  /** Folds a batch's book and stock events; both folds are tried, the first failure is thrown. */
  apply(views: ViewsPort, events: readonly StoredEvent[]): Promise<void>;
  /** Both items of a book, in one request. */
  read(views: ViewsPort, bookId: string): Promise<FoldedBook>;
}

export const bookFolds = (prefix: string): BookFolds => {
  const bookKey = (bookId: string): ViewKey => ({ pk: prefix + bookId, sk: "book" });
  const stock: StockLayout = {
    totalKey: (bookId) => ({ pk: prefix + bookId, sk: "stock" }),
    sourceKey: (source: StreamId) => ({ pk: prefix + source, sk: "source" }),
  };
  const decodeBook = (item: Record<string, unknown>): StoredView<BookFields> => {
    const decoded = StoredBook.decode(item);
    if (isLeft(decoded)) throw new Error(`stored book ${String(item.pk)}/${String(item.sk)} does not decode: ${describeErrors(decoded.left)}`);
    return decoded.right;
  };
  return {
    bookKey,
    stock,
    apply: async (views, events) => {
      const folded = await Promise.allSettled([
        foldBatch(views, events.filter(isBookEvent), (e) => bookKey(idOf(e.streamId)), evolveBook, decodeBook),
        foldStock(views, events, stock),
      ]);
      for (const f of folded) if (f.status === "rejected") throw f.reason;
    },
    read: async (views, bookId) => {
      const keys = [bookKey(bookId), stock.totalKey(bookId)] as const;
      const items = await readItems(views, keys);
      const book = items.get(idOfKey(keys[0]));
      return { book: book === undefined ? undefined : decodeBook(book), stock: stockTotalOf(bookId, items.get(idOfKey(keys[1]))) };
    },
  };
};
