import type { Client } from "@opensearch-project/opensearch";

/**
 * The book search index. Text fields are analysed for full-text search (the standard analyzer:
 * the local node ships without the language analysers); category, ISBN and currency are exact
 * keywords (filters and facets); price and stock are numbers for ranges.
 * `dynamic: strict` refuses a document that strays from this mapping instead of guessing.
 */
export const bookIndexMappings = {
  dynamic: "strict",
  properties: {
    bookId: { type: "keyword" },
    title: { type: "text", analyzer: "standard", fields: { raw: { type: "keyword" } } },
    authors: { type: "text", analyzer: "standard" },
    description: { type: "text", analyzer: "standard" },
    category: { type: "keyword" },
    isbn: { type: "keyword" },
    priceCents: { type: "integer" },
    currency: { type: "keyword" },
    available: { type: "integer" },
    inStock: { type: "boolean" },
    discontinued: { type: "boolean" },
    addedAt: { type: "date" },
  },
} as const;

export interface BookDocument {
  readonly bookId: string;
  readonly title: string;
  readonly authors: readonly string[];
  readonly description: string;
  readonly category: string;
  readonly isbn: string;
  readonly priceCents: number;
  readonly currency: string;
  readonly available: number;
  readonly inStock: boolean;
  readonly discontinued: boolean;
  readonly addedAt: string;
}

/** Creates the index with its mappings unless it exists. */
export const ensureBookIndex = async (client: Client, index: string): Promise<void> => {
  const exists = await client.indices.exists({ index });
  if (exists.body) return;
  try {
    await client.indices.create({ index, body: { settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: bookIndexMappings } });
  } catch (e) {
    // Another process created it between the check and the create: the state we want.
    if (!JSON.stringify((e as { body?: unknown }).body ?? "").includes("resource_already_exists_exception")) throw e;
  }
};
