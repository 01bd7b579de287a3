import { errors } from "@opensearch-project/opensearch";
import { idOf, type StoredEvent } from "../events/index.js";
import { ensureBookIndex, type BookDocument } from "./book-index.js";
import { liveViews } from "./generations.js";
import { defaultBatch, type Projection } from "./projection.js";
import type { SearchPorts, ViewPorts, ViewsPort } from "./ports.js";
import { foldBatch, readView, type ViewKey } from "./stream-view.js";

type BookFields = Omit<BookDocument, "available" | "inStock">;
interface Stock {
  readonly available: number;
}

const bookKey = (bookId: string): ViewKey => ({ pk: `search#${bookId}`, sk: "book" });
const stockKey = (bookId: string): ViewKey => ({ pk: `search#${bookId}`, sk: "stock" });

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

/** Only what search needs of the inventory stream: copies one can order now. */
const evolveStock = (state: Stock | undefined, e: StoredEvent): Stock => {
  const available = state?.available ?? 0;
  switch (e.type) {
    case "StockReceived":
    case "StockReturned":
    case "ReservationReleased":
      return { available: available + e.data.quantity };
    case "StockReserved":
      return { available: available - e.data.quantity };
    case "StockAdjusted":
      return { available: available + e.data.delta };
    default:
      // A commit moves copies out of onHand and reserved together: available is unchanged.
      return { available };
  }
};

/** Book versions get the high digits, so the document's version grows whenever either stream's does. */
const STOCK_VERSIONS = 1_000_000_000;
export const documentVersion = (bookVersion: number, stockVersion: number): number => {
  if (stockVersion >= STOCK_VERSIONS) throw new RangeError(`inventory stream version ${stockVersion} does not fit the document version`);
  return bookVersion * STOCK_VERSIONS + stockVersion;
};

/**
 * Writes the whole document as both folds stand now, with `version_type: external`: OpenSearch
 * keeps the highest version, so a late or repeated write of an older state is refused (409)
 * and is a no-op here. Each fold is written before this read, so of two writers racing on the
 * same book, the later reader sees both newest folds: the newest document always gets written.
 */
const indexBook = async (views: ViewsPort, { search }: SearchPorts, bookId: string): Promise<void> => {
  const [book, stock] = await Promise.all([readView<BookFields>(views, bookKey(bookId)), readView<Stock>(views, stockKey(bookId))]);
  if (book === undefined) return; // stock before the book: BookAdded will index both
  const available = stock?.state.available ?? 0;
  const doc: BookDocument = { ...book.state, available, inStock: available > 0 };
  try {
    await search.client.index({
      index: search.index,
      id: bookId,
      body: doc,
      version: documentVersion(book.version, stock?.version ?? 0),
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
  version: 1,
  eventTypes: [...bookEvents, "StockReceived", "StockReserved", "ReservationCommitted", "ReservationReleased", "StockReturned", "StockAdjusted"],
  batch: defaultBatch,
  keys: { views: ["search#"] },
  prepare: ({ search }) => ensureBookIndex(search.client, search.index, search.alias),
  stores: ["search"],
  apply: async (events, ports) => {
    const bookId = (e: StoredEvent) => idOf(e.streamId);
    const folded = await Promise.allSettled([
      foldBatch(ports.views, events.filter(isBookEvent), (e) => bookKey(bookId(e)), evolveBook),
      foldBatch(ports.views, events.filter((e) => !isBookEvent(e)), (e) => stockKey(bookId(e)), evolveStock),
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
  const [book, stock] = await Promise.all([readView<BookFields>(views, bookKey(bookId)), readView<Stock>(views, stockKey(bookId))]);
  if (book === undefined) return undefined;
  const available = stock?.state.available ?? 0;
  return { ...book.state, available, inStock: available > 0, version: book.version };
};
