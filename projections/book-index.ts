import type { Client } from "@opensearch-project/opensearch";
import { generationIndexOf } from "./generations.js";

/**
 * The book search index. Titles and descriptions are analysed in English (stemmed: "running"
 * finds "Run"), with a `plain` subfield (unstemmed words) that typo-tolerant matching compares
 * against; authors' names are never stemmed, and their `raw` keywords count the author facet.
 * Category, ISBN and currency are exact keywords (filters and facets); price and stock are
 * numbers for ranges. Two completion fields serve search-as-you-type. `dynamic: strict` refuses
 * a document that strays from this mapping instead of guessing.
 */
export const bookIndexMappings = {
  dynamic: "strict",
  properties: {
    bookId: { type: "keyword" },
    title: { type: "text", analyzer: "english", fields: { raw: { type: "keyword" }, plain: { type: "text", analyzer: "standard" } } },
    authors: { type: "text", analyzer: "standard", fields: { raw: { type: "keyword" } } },
    description: { type: "text", analyzer: "english" },
    category: { type: "keyword" },
    isbn: { type: "keyword" },
    priceCents: { type: "integer" },
    currency: { type: "keyword" },
    available: { type: "integer" },
    inStock: { type: "boolean" },
    discontinued: { type: "boolean" },
    addedAt: { type: "date" },
    suggestTitle: { type: "completion", analyzer: "simple", max_input_length: 100 },
    suggestAuthor: { type: "completion", analyzer: "simple", max_input_length: 100 },
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

/** How many words into a title a suggestion may start: "dispo" finds "The Dispossessed". */
const TITLE_TAILS = 6;

/** The inputs a prefix is matched against: the whole title and the title from each later word on. */
const titleInputs = (title: string): string[] => {
  const words = title.split(/\s+/).filter((w) => w !== "");
  return [...new Set(words.slice(0, TITLE_TAILS).map((_, i) => words.slice(i).join(" ")))];
};

/** An author by the full name and by the surname (the last word). */
const authorInputs = (authors: readonly string[]): string[] =>
  [...new Set(authors.flatMap((a) => [a, a.split(/\s+/).filter((w) => w !== "").pop() ?? a]))];

/**
 * The document as indexed: the book, and its suggestion inputs while it is for sale (a
 * discontinued book is never suggested, and searches filter it out).
 */
export const indexedDocument = (doc: BookDocument): Record<string, unknown> =>
  doc.discontinued ? { ...doc } : { ...doc, suggestTitle: titleInputs(doc.title), suggestAuthor: authorInputs(doc.authors) };

/** The fields that exist for the index alone, left out of what a search answers. */
export const indexOnlyFields = ["suggestTitle", "suggestAuthor"] as const;

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
