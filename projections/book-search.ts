import { errors } from "@opensearch-project/opensearch";
import { idOf, type StoredEvent, type StreamId } from "../events/index.js";
import { ensureBookIndex, type BookDocument } from "./book-index.js";
import { liveViews } from "./generations.js";
import { defaultBatch, type Projection } from "./projection.js";
import type { SearchPorts, ViewPorts, ViewsPort } from "./ports.js";
import { availableOf, foldStock, isStockEvent, readStockTotal, stockEventTypes, type StockLayout } from "./stock.js";
import { foldBatch, readView, type ViewKey } from "./stream-view.js";

type BookFields = Omit<BookDocument, "available" | "inStock">;

const bookKey = (bookId: string): ViewKey => ({ pk: `search#${bookId}`, sk: "book" });
/**
 * A book's stock beside its fields at `search#<bookId>`; an order's reservations are followed
 * at `search#reservation#<orderId>` (a stream id holds a `#`, a book id never does).
 */
const stock: StockLayout = {
  totalKey: (bookId) => ({ pk: `search#${bookId}`, sk: "stock" }),
  sourceKey: (source: StreamId) => ({ pk: `search#${source}`, sk: "source" }),
};

const evolveBook = (state: BookFields | undefined, e: StoredEvent): BookFields => {
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
  const [book, total] = await Promise.all([readView<BookFields>(views, bookKey(bookId)), readStockTotal(views, stock, bookId)]);
  if (book === undefined) return; // stock before the book: BookAdded will index both
  const available = availableOf(total.levels);
  const doc: BookDocument = { ...book.state, available, inStock: available > 0 };
  try {
    await search.client.index({
      index: search.index,
      id: bookId,
      body: doc,
      version: documentVersion(book.version, total.revision),
      version_type: "external",
    });
  } catch (e) {
    if (!(e instanceof errors.ResponseError && e.statusCode === 409)) throw e;
  }
};

const bookEvents = ["BookAdded", "BookDetailsChanged", "BookPriceChanged", "BookDiscontinued"] as const;
const isBookEvent = (e: StoredEvent) => (bookEvents as readonly string[]).includes(e.type);

export const bookSearch: Projection<ViewPorts & SearchPorts> = {
  name: "book-search",
  // 2: a book's stock is summed over its inventory stream and every order's reservations.
  version: 2,
  eventTypes: [...bookEvents, ...stockEventTypes],
  batch: defaultBatch,
  keys: { views: ["search#"] },
  prepare: ({ search }) => ensureBookIndex(search.client, search.index, search.alias),
  stores: ["search"],
  apply: async (events, ports) => {
    // A stock event names its book: it may come from an order's reservations, not the book's stream.
    const bookId = (e: StoredEvent) => (isStockEvent(e) ? e.data.bookId : idOf(e.streamId));
    const folded = await Promise.allSettled([
      foldBatch(ports.views, events.filter(isBookEvent), (e) => bookKey(idOf(e.streamId)), evolveBook),
      foldStock(ports.views, events, stock),
    ]);
    // One document write per book and batch, however many of its events the batch held, and
    // also after a repeat: the fold may have been written by a delivery whose index write failed.
    for (const id of new Set(events.map(bookId))) await indexBook(ports.views, ports, id);
    for (const f of folded) if (f.status === "rejected") throw f.reason;
  },
};

/** One book as the search projection last folded it, discontinued or not; undefined if unknown. */
export const getBook = async (live: ViewsPort, bookId: string): Promise<(BookDocument & { readonly version: number }) | undefined> => {
  const views = await liveViews(live, bookSearch.name);
  const [book, total] = await Promise.all([readView<BookFields>(views, bookKey(bookId)), readStockTotal(views, stock, bookId)]);
  if (book === undefined) return undefined;
  const available = availableOf(total.levels);
  return { ...book.state, available, inStock: available > 0, version: book.version };
};
