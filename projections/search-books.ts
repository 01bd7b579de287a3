import type { BookDocument } from "./book-index.js";
import type { SearchPorts } from "./ports.js";

export type BookSort = "relevance" | "price" | "price-desc" | "newest";

export interface BookQuery {
  /** Free text from the user: a `simple_query_string`, which cannot fail on syntax. */
  readonly q?: string;
  readonly category?: string;
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

/** Full-text search over the books still for sale, with filters, a sort, category facets and cursor pages. */
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
  const transport = {
    ...(limits.timeoutMs === undefined ? {} : { requestTimeout: limits.timeoutMs }),
    ...(limits.maxRetries === undefined ? {} : { maxRetries: limits.maxRetries }),
  };
  const response = await search.client.search({
    index: search.index,
    body: {
      size: limit,
      track_total_hits: true,
      query: {
        bool: {
          must:
            text === ""
              ? [{ match_all: {} }]
              : [{ simple_query_string: { query: text, fields: ["title^3", "authors^2", "description"], default_operator: "and" } }],
          filter: filters,
        },
      },
      // The category filter applies after the facets are counted, so they show the other choices.
      ...(query.category === undefined ? {} : { post_filter: { term: { category: query.category } } }),
      aggs: { categories: { terms: { field: "category", size: 100 } } },
      sort: sorts[query.sort ?? (text === "" ? "newest" : "relevance")],
      ...(query.cursor === undefined ? {} : { search_after: decodeCursor(query.cursor) }),
    } as Record<string, unknown>,
  }, transport);
  const body = response.body as unknown as {
    hits: { total: { value: number }; hits: Hit[] };
    aggregations: { categories: { buckets: { key: string; doc_count: number }[] } };
  };
  const hits = body.hits.hits;
  const last = hits[hits.length - 1];
  return {
    books: hits.map((h) => ({ ...h._source, score: h._score })),
    total: body.hits.total.value,
    categories: body.aggregations.categories.buckets.map((b) => ({ category: b.key, count: b.doc_count })),
    ...(hits.length === limit && last?.sort !== undefined ? { nextCursor: encodeCursor(last.sort) } : {}),
  };
};
