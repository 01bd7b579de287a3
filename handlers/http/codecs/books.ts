import * as t from "io-ts";
import { withSchema } from "../json-schema-hints.js";
import { Cents, CommandAccepted, Currency, Id, PriceCents, Version } from "./common.js";
import { intBetween, intQuery, isReadable, matching, numberBetween, text, upTo, written } from "./refine.js";
import { strict } from "./strict.js";

/** Thirteen digits, hyphens allowed; the checksum is the catalogue's rule (domain), not the wire's. */
export const Isbn = matching("Isbn", /^97[89](-?[0-9]){10}$/, 23, { description: "an ISBN-13, hyphens allowed" });
export const Title = text("Title", 300);
const Authors = withSchema(t.refinement(t.array(text("Author", 200)), (a) => a.length >= 1 && a.length <= 20, "Authors"), {
  type: "array",
  minItems: 1,
  maxItems: 20,
  description: "1 to 20 authors",
});
const Category = matching("Category", /^[a-z0-9][a-z0-9-]{0,62}$/, 63, { description: "a lower-case slug, e.g. science-fiction" });
const Description = withSchema(t.refinement(t.string, (s) => s.length <= 10_000 && isReadable(s, true), "Description"), {
  type: "string",
  maxLength: 10_000,
  // What a pattern can say of the rule: no control characters but tabs and line breaks.
  pattern: "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u202A-\\u202E\\u2066-\\u2069]*$",
  description: "up to 10,000 characters; no control characters but tabs and line breaks, no bidirectional overrides",
});

export const AddBookBody = strict("AddBookBody", {
  title: Title,
  authors: Authors,
  isbn: Isbn,
  category: Category,
  description: Description,
  priceCents: PriceCents,
  currency: Currency,
});
export const BookAddedResponse = t.intersection([t.type({ bookId: Id }), CommandAccepted], "BookAddedResponse");

export const ChangeBookDetailsBody = strict(
  "ChangeBookDetailsBody",
  {},
  { title: Title, authors: Authors, category: Category, description: Description },
);
export const ChangePriceBody = strict("ChangePriceBody", { priceCents: PriceCents, currency: Currency });

const Cursor = matching("Cursor", /^[A-Za-z0-9_-]{1,512}$/, 512);
export const BookSort = t.keyof({ relevance: null, "price-asc": null, "price-desc": null, newest: null }, "BookSort");
export const SearchBooksQuery = strict(
  "SearchBooksQuery",
  {},
  {
    q: text("SearchText", 200),
    category: Category,
    /** One author's books: the name as a book gives it, as the author facet shows it. */
    author: text("AuthorName", 200),
    minPrice: intQuery("MinPrice", 0, 100_000_000),
    maxPrice: intQuery("MaxPrice", 0, 100_000_000),
    inStock: t.keyof({ true: null, false: null }, "InStock"),
    sort: BookSort,
    cursor: Cursor,
    limit: intQuery("Limit", 1, 100),
  },
);

/** What every answer about a book says of it. */
const bookFields = {
  bookId: Id,
  title: Title,
  authors: Authors,
  isbn: Isbn,
  category: Category,
  description: Description,
  priceCents: Cents,
  currency: Currency,
};

export const BookView = t.intersection(
  [
    t.type({ ...bookFields, discontinued: t.boolean, version: Version }),
    t.partial({ available: intBetween("Available", 0, Number.MAX_SAFE_INTEGER) }),
  ],
  "BookView",
);
const Count = intBetween("Count", 0, Number.MAX_SAFE_INTEGER);
/** OpenSearch's relevance score: never negative, larger is better. */
const Score = numberBetween("Score", 0, Number.MAX_VALUE);
/** An average of ratings of 1 to 5 stars. */
const Stars = numberBetween("AverageStars", 1, 5);
/** A search hit: the book as the search index holds it (no stream version), with its relevance. */
export const BookHit = t.type({ ...bookFields, available: Count, inStock: t.boolean, score: t.union([Score, t.null]) }, "BookHit");
export const BookPage = t.intersection(
  [
    t.type({ items: upTo(BookHit, 100, "BookHits"), total: Count, facets: t.type({ category: t.record(t.string, Count), author: t.record(t.string, Count) }) }),
    t.partial({ nextCursor: Cursor }),
  ],
  "BookPage",
);

/** `GET /books/suggest`: what the shopper has typed so far. */
export const SuggestQuery = strict("SuggestQuery", { q: text("SuggestPrefix", 100) });
const Suggestion = t.intersection(
  [t.type({ kind: t.keyof({ title: null, author: null }, "SuggestionKind"), text: text("SuggestionText", 300) }), t.partial({ bookId: Id })],
  "Suggestion",
);
/** Titles (with their book) and authors that a word of begins with the prefix: authors first, 10 at most. */
export const Suggestions = t.type({ items: upTo(Suggestion, 10, "SuggestionItems") }, "Suggestions");

/** How many books each ranking lists. */
export const MAX_BESTSELLERS = 20;
/** A ranked book's title, read from its stream: empty when the stream could not be read. */
const RankedTitle = written("RankedTitle", 300, { pattern: "^$|\\S" });
export const Bestseller = t.type({ bookId: Id, title: RankedTitle, unitsSold: Count }, "Bestseller");
export const RatedBook = t.type({ bookId: Id, title: RankedTitle, averageStars: Stars, ratings: Count }, "RatedBook");
/** Units sold (paid orders, less cancellations), and the best average stars of books with at least 3 ratings. */
export const Bestsellers = t.type(
  { items: upTo(Bestseller, MAX_BESTSELLERS, "BestsellerItems"), topRated: upTo(RatedBook, MAX_BESTSELLERS, "TopRatedItems") },
  "Bestsellers",
);

/** How many books "also bought" lists. */
export const MAX_ALSO_BOUGHT = 10;
export const CoPurchase = t.type({ bookId: Id, title: RankedTitle, count: intBetween("CoPurchases", 1, Number.MAX_SAFE_INTEGER) }, "CoPurchase");
/** The books bought most often in the same paid orders as `bookId` (less cancelled ones), with in how many. */
export const AlsoBought = t.type({ bookId: Id, items: upTo(CoPurchase, MAX_ALSO_BOUGHT, "AlsoBoughtItems") }, "AlsoBought");
