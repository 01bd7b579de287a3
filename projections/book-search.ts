import { errors } from "@opensearch-project/opensearch";
import { idOf, type StoredEvent } from "../events/index.js";
import { ensureBookIndex, indexedDocument, type BookDocument } from "./book-index.js";
import { liveViews } from "./generations.js";
import { defaultBatch, type Projection } from "./projection.js";
import type { SearchPorts, ViewPorts, ViewsPort } from "./ports.js";
import { bookAndStockEventTypes, bookFolds } from "./book-folds.js";
import { availableOf, isStockEvent } from "./stock.js";

/** The search projection's own folds of each book, which its documents are written from. */
const folds = bookFolds("search#");

/**
 * Book versions get the high digits, the stock total's revision the low ones, so the document's
 * version grows whenever the book's stream or the book's stock (from any of its sources) moves.
 */
const STOCK_REVISIONS = 1_000_000_000;
export const documentVersion = (bookVersion: number, stockRevision: number): number => {
  if (stockRevision >= STOCK_REVISIONS) throw new RangeError(`stock revision ${stockRevision} does not fit the document version`);
  return bookVersion * STOCK_REVISIONS + stockRevision;
};

/**
 * Writes the whole document as both folds stand now, with `version_type: external`: OpenSearch
 * keeps the highest version, so a late or repeated write of an older state is refused (409)
 * and is a no-op here. Each fold is written before this read, so of two writers racing on the
 * same book, the later reader sees both newest folds: the newest document always gets written.
 */
const indexBook = async (views: ViewsPort, { search }: SearchPorts, bookId: string): Promise<void> => {
  const { book, stock: total } = await folds.read(views, bookId);
  if (book === undefined) return; // stock before the book: BookAdded will index both
  const available = availableOf(total.levels);
  const doc: BookDocument = { ...book.state, available, inStock: available > 0 };
  try {
    await search.client.index({
      index: search.index,
      id: bookId,
      body: indexedDocument(doc),
      version: documentVersion(book.version, total.revision),
      version_type: "external",
    });
  } catch (e) {
    if (!(e instanceof errors.ResponseError && e.statusCode === 409)) throw e;
  }
};

export const bookSearch: Projection<ViewPorts & SearchPorts> = {
  name: "book-search",
  // 2: a book's stock is summed over its inventory stream and every order's reservations.
  // 3: English stemming, a typo-tolerant subfield, author keywords and suggestion inputs.
  version: 3,
  eventTypes: bookAndStockEventTypes,
  batch: defaultBatch,
  keys: { views: ["search#"] },
  prepare: ({ search }) => ensureBookIndex(search.client, search.index, search.alias),
  stores: ["search"],
  apply: async (events, ports) => {
    // A stock event names its book: it may come from an order's reservations, not the book's stream.
    const bookId = (e: StoredEvent) => (isStockEvent(e) ? e.data.bookId : idOf(e.streamId));
    const [folded] = await Promise.allSettled([folds.apply(ports.views, events)]);
    // One document write per book and batch, however many of its events the batch held, and
    // also after a repeat: the fold may have been written by a delivery whose index write failed.
    for (const id of new Set(events.map(bookId))) await indexBook(ports.views, ports, id);
    if (folded.status === "rejected") throw folded.reason;
  },
};

/** One book as the search projection last folded it, discontinued or not; undefined if unknown. */
export const getBook = async (live: ViewsPort, bookId: string): Promise<(BookDocument & { readonly version: number }) | undefined> => {
  const views = await liveViews(live, bookSearch.name);
  const { book, stock: total } = await folds.read(views, bookId);
  if (book === undefined) return undefined;
  const available = availableOf(total.levels);
  return { ...book.state, available, inStock: available > 0, version: book.version };
};
