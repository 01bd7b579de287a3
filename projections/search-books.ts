import { type BookDocument, indexOnlyFields } from "./book-index.js";
import type { SearchPorts } from "./ports.js";

export type BookSort = "relevance" | "price" | "price-desc" | "newest";

export interface BookQuery {
  /** Free text from the user: a `simple_query_string`, which cannot fail on syntax. */
  readonly q?: string;
  readonly category?: string;
  /** One author's books, by the name as the books give it. */
  readonly author?: string;
  readonly minPriceCents?: number;
  readonly maxPriceCents?: number;
  readonly inStock?: boolean;
  readonly sort?: BookSort;
  readonly limit?: number;
  /** From the previous page's `nextCursor`. */
  readonly cursor?: string;
}

export interface BookHit extends BookDocument {
  readonly score: number | null;
}

export interface BookResults {
  readonly books: readonly BookHit[];
  readonly total: number;
  /** Books per category for this query and every filter but the category itself. */
  readonly categories: readonly { readonly category: string; readonly count: number }[];
  /** Books per author (the 20 with most) for this query and every filter but the author itself. */
  readonly authors: readonly { readonly author: string; readonly count: number }[];
  readonly nextCursor?: string;
}

export class InvalidCursor extends Error {
  constructor() {
    super("the cursor is not one this search gave out");
    this.name = "InvalidCursor";
  }
}

// Every sort ends on the book id, so equal prices or scores still page in a stable order.
const sorts: Record<BookSort, readonly Record<string, "asc" | "desc">[]> = {
  relevance: [{ _score: "desc" }, { bookId: "asc" }],
  price: [{ priceCents: "asc" }, { bookId: "asc" }],
  "price-desc": [{ priceCents: "desc" }, { bookId: "asc" }],
  newest: [{ addedAt: "desc" }, { bookId: "asc" }],
};

const encodeCursor = (values: unknown[]): string => Buffer.from(JSON.stringify(values)).toString("base64url");
const decodeCursor = (cursor: string): unknown[] => {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString());
    if (Array.isArray(values)) return values;
  } catch {
    // fall through
  }
  throw new InvalidCursor();
};

interface Hit {
  _source: BookDocument;
  _score: number | null;
  sort?: unknown[];
}

/** How long a search may take on the wire, and how often a failed one is sent again (default: the client's own). */
export interface SearchLimits {
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
}

/** The client's per-request options for a caller's limits. */
const transportOf = (limits: SearchLimits) => ({
  ...(limits.timeoutMs === undefined ? {} : { requestTimeout: limits.timeoutMs }),
  ...(limits.maxRetries === undefined ? {} : { maxRetries: limits.maxRetries }),
});

/** Characters that make a `simple_query_string` more than words: a phrase, an exclusion, a prefix... */
const OPERATORS = /["+\-|*()~]/;

/**
 * What the shopper typed, as a query: the words as the English analyser reads them (stemmed),
 * and, unless the text uses the query syntax, the same words within a typo or two of a title's
 * or an author's (fuzziness AUTO: none for words of 1-2 letters, one for 3-5, two beyond). The
 * first letter must be right, which keeps the fuzzy matches few and fast.
 */
const textQuery = (text: string): unknown => {
  const stemmed = { simple_query_string: { query: text, fields: ["title^3", "authors^2", "description"], default_operator: "and" } };
  if (OPERATORS.test(text)) return stemmed;
  const fuzzy = { multi_match: { query: text, fields: ["title.plain^2", "authors"], fuzziness: "AUTO", prefix_length: 1, operator: "and" } };
  return { bool: { should: [stemmed, fuzzy], minimum_should_match: 1 } };
};

/** Full-text search over the books still for sale, with filters, a sort, category and author facets and cursor pages. */
export const searchBooks = async ({ search }: SearchPorts, query: BookQuery, limits: SearchLimits = {}): Promise<BookResults> => {
  const limit = Math.min(Math.max(query.limit ?? 20, 1), 100);
  const text = query.q?.trim() ?? "";
  const filters: unknown[] = [{ term: { discontinued: false } }];
  if (query.inStock === true) filters.push({ term: { inStock: true } });
  if (query.minPriceCents !== undefined || query.maxPriceCents !== undefined) {
    filters.push({
      range: { priceCents: { ...(query.minPriceCents === undefined ? {} : { gte: query.minPriceCents }), ...(query.maxPriceCents === undefined ? {} : { lte: query.maxPriceCents }) } },
    });
  }
  // The facet filters apply after the facets are counted, each facet under the other's filter,
  // so each shows the choices its own filter would leave.
  const byCategory = query.category === undefined ? undefined : { term: { category: query.category } };
  const byAuthor = query.author === undefined ? undefined : { term: { "authors.raw": query.author } };
  const facetFilters = [byCategory, byAuthor].filter((f) => f !== undefined);
  const under = (filter: unknown, agg: unknown) => ({ filter: filter ?? { match_all: {} }, aggs: { facet: agg } });
  const response = await search.client.search({
    index: search.index,
    body: {
      size: limit,
      track_total_hits: true,
      _source: { excludes: [...indexOnlyFields] },
      query: { bool: { must: [text === "" ? { match_all: {} } : textQuery(text)], filter: filters } },
      ...(facetFilters.length === 0 ? {} : { post_filter: { bool: { filter: facetFilters } } }),
      aggs: {
        categories: under(byAuthor, { terms: { field: "category", size: 100 } }),
        authors: under(byCategory, { terms: { field: "authors.raw", size: 20 } }),
      },
      sort: sorts[query.sort ?? (text === "" ? "newest" : "relevance")],
      ...(query.cursor === undefined ? {} : { search_after: decodeCursor(query.cursor) }),
    } as Record<string, unknown>,
  }, transportOf(limits));
  type Facet = { facet: { buckets: { key: string; doc_count: number }[] } };
  const body = response.body as unknown as { hits: { total: { value: number }; hits: Hit[] }; aggregations: { categories: Facet; authors: Facet } };
  const hits = body.hits.hits;
  const last = hits[hits.length - 1];
  return {
    books: hits.map((h) => ({ ...h._source, score: h._score })),
    total: body.hits.total.value,
    categories: body.aggregations.categories.facet.buckets.map((b) => ({ category: b.key, count: b.doc_count })),
    authors: body.aggregations.authors.facet.buckets.map((b) => ({ author: b.key, count: b.doc_count })),
    ...(hits.length === limit && last?.sort !== undefined ? { nextCursor: encodeCursor(last.sort) } : {}),
  };
};

export type Suggestion = { readonly kind: "title"; readonly text: string; readonly bookId: string } | { readonly kind: "author"; readonly text: string };

/** At most this many suggestions, and at most this many of them authors. */
export const MAX_SUGGESTIONS = 10;
const MAX_AUTHOR_SUGGESTIONS = 3;

/** Lower case, accents off: how the `simple` analyser and a typed prefix compare. */
const folded = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

interface SuggestOption {
  _source: Pick<BookDocument, "bookId" | "title" | "authors">;
}

/**
 * Search-as-you-type: the titles and authors of books for sale that a word of theirs begins with
 * the prefix typed (a title from any of its first words on, an author by full name or surname),
 * authors first, from the completion fields held in memory by the index.
 */
export const suggestBooks = async ({ search }: SearchPorts, prefix: string, limits: SearchLimits = {}): Promise<Suggestion[]> => {
  const typed = prefix.trim();
  if (typed === "") return [];
  const completion = (field: string) => ({ prefix: typed, completion: { field, size: MAX_SUGGESTIONS, skip_duplicates: true } });
  const response = await search.client.search(
    {
      index: search.index,
      body: {
        _source: ["bookId", "title", "authors"],
        suggest: { titles: completion("suggestTitle"), authors: completion("suggestAuthor") },
      } as Record<string, unknown>,
    },
    transportOf(limits),
  );
  const body = response.body as unknown as { suggest: Record<"titles" | "authors", { options: SuggestOption[] }[]> };
  const options = (name: "titles" | "authors") => body.suggest[name].flatMap((entry) => entry.options);
  // The option names the book, not which of its authors matched: find the one the prefix begins.
  const start = folded(typed);
  const authors = new Set<string>();
  for (const { _source } of options("authors")) {
    for (const a of _source.authors) {
      if (folded(a).startsWith(start) || a.split(/\s+/).some((w) => folded(w).startsWith(start))) authors.add(a);
    }
  }
  const named = [...authors].slice(0, MAX_AUTHOR_SUGGESTIONS).map((text): Suggestion => ({ kind: "author", text }));
  const titles = new Map<string, Suggestion>();
  for (const { _source } of options("titles")) if (!titles.has(_source.bookId)) titles.set(_source.bookId, { kind: "title", text: _source.title, bookId: _source.bookId });
  return [...named, ...titles.values()].slice(0, MAX_SUGGESTIONS);
};
