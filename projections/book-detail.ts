import { bookAndStockEventTypes, bookFolds, type BookFields } from "./book-folds.js";
import { liveViews } from "./generations.js";
import type { ViewPorts, ViewsPort } from "./ports.js";
import { defaultBatch, type Projection } from "./projection.js";
import { availableOf, type StockLevels } from "./stock.js";

/**
 * The book page: a book's fields and its stock in one partition of the views table
 * (`book#<bookId>`), so `GET /books/{bookId}`, the hottest read of a shop, is one request to the
 * views table and never touches the partitions its checkouts write in the events table.
 */
const folds = bookFolds("book#");

export const bookDetail: Projection<ViewPorts> = {
  name: "book-detail",
  version: 1,
  eventTypes: bookAndStockEventTypes,
  batch: defaultBatch,
  keys: { views: ["book#"] },
  apply: (events, { views }) => folds.apply(views, events),
};

export interface BookDetail extends BookFields, StockLevels {
  readonly available: number;
  /** The version of the book's own stream this page reflects: what a book command answered. */
  readonly version: number;
  /** The version of the book's inventory stream folded in; 0 for a book never stocked. */
  readonly stockVersion: number;
}

/** A book's page as readers see it now; undefined until its BookAdded is folded. */
export const getBookDetail = async (live: ViewsPort, bookId: string): Promise<BookDetail | undefined> => {
  const { book, stock } = await folds.read(await liveViews(live, bookDetail.name), bookId);
  if (book === undefined) return undefined;
  return { ...book.state, ...stock.levels, available: availableOf(stock.levels), version: book.version, stockVersion: stock.version };
};
