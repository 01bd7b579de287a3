import type { Client } from "@opensearch-project/opensearch";
import { generationIndexOf } from "./generations.js";

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

/**
 * Creates the index with its mappings unless it exists. Given the name readers search (no
 * `alias`), it makes generation 0: the index `<name>-g0` behind the alias `<name>`, so that a
 * rebuild can later move the alias without deleting an index a search may be running on.
 * Given a generation's port (`alias` set), it makes that generation's index alone.
 */
export const ensureBookIndex = async (client: Client, index: string, alias?: string): Promise<void> => {
  const exists = await client.indices.exists({ index });
  if (exists.body) return;
  const settings = { number_of_shards: 1, number_of_replicas: 0 };
  try {
    await client.indices.create(
      alias === undefined
        ? { index: generationIndexOf(index, 0), body: { settings, mappings: bookIndexMappings, aliases: { [index]: {} } } }
        : { index, body: { settings, mappings: bookIndexMappings } },
    );
  } catch (e) {
    // Another process created it between the check and the create: the state we want.
    if (!JSON.stringify((e as { body?: unknown }).body ?? "").includes("resource_already_exists_exception")) throw e;
  }
};
