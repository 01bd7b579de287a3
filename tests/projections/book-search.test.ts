import { Client } from "@opensearch-project/opensearch";
import { ulid } from "ulid";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { streams } from "../../events/index.js";
import { createProjector } from "../../handlers/stream/projector.js";
import { ensureBookIndex } from "../../projections/book-index.js";
import { bookSearch, getBook } from "../../projections/book-search.js";
import type { SearchPorts, ViewPorts } from "../../projections/ports.js";
import { searchBooks, suggestBooks } from "../../projections/search-books.js";
import { asAdmin, freshCommands, nextIsbn, ok, type CommandsFixture } from "../support/commands-fixture.js";
import { eventsOf, freshViews, streamEvent } from "../support/projections-fixture.js";
import { readModelContract } from "../support/read-model-contract.js";

const freshPorts = async (): Promise<ViewPorts & SearchPorts> => {
  const client = new Client({ node: inject("openSearchUrl") });
  const index = `books-${ulid().toLowerCase()}`;
  await ensureBookIndex(client, index);
  return { views: await freshViews("search"), search: { client, index } };
};

/** Searches after a refresh: what the index holds, not what it has made visible yet. */
const searchNow = async (ports: SearchPorts, query: Parameters<typeof searchBooks>[1]) => {
  await ports.search.client.indices.refresh({ index: ports.search.index });
  return searchBooks(ports, query);
};

readModelContract({
  projection: bookSearch,
  freshPorts,
  streamsOf: (shop) => [
    ...shop.books.flatMap((b) => [streams.book(b), streams.inventory(b)]),
    // A book's stock also comes from the reservation streams of the orders that name it.
    ...[shop.paidOrder, shop.cancelledOrder].map((o) => streams.reservation(o.orderId)),
  ],
  read: async (ports) => (await searchNow(ports, { sort: "price" })).books.map(({ bookId, priceCents, available, inStock }) => ({ bookId, priceCents, available, inStock })),
  expected: (shop) => [
    { bookId: shop.books[0], priceCents: 1000, available: 8, inStock: true },
    { bookId: shop.books[1], priceCents: 1500, available: 9, inStock: true },
  ],
});

/** An AddBook command for a catalogue, its id kept in `ids` by title. */
const addBookTo =
  (ids: Record<string, string>) =>
  (title: string, authors: string[], category: string, priceCents: number, description: string) => ({
    type: "AddBook" as const,
    bookId: (ids[title] = ulid()),
    title,
    authors,
    isbn: nextIsbn(),
    category,
    description,
    priceCents,
    currency: "EUR",
  });

describe("book search", () => {
  let f: CommandsFixture;
  let ports: ViewPorts & SearchPorts;
  const ids: Record<string, string> = {};
  const book = addBookTo(ids);

  beforeAll(async () => {
    f = await freshCommands("search");
    ports = await freshPorts();
    const catalogue = [
      book("The Whale", ["Herman Melville"], "fiction", 1800, "A captain hunts a white whale across the oceans."),
      book("Whales of the World", ["Ann Biologist"], "science", 3200, "A field guide to every whale and dolphin."),
      book("Sea Stories", ["Joseph Conrad"], "fiction", 900, "Sailors, storms and one whale."),
      book("Gardening Basics", ["Green Thumb"], "home", 1200, "Soil, seeds and patience."),
      book("Withdrawn Whale Atlas", ["Old Press"], "science", 5000, "Maps of whale migrations."),
    ];
    for (const b of catalogue) ok(await f.commands.handle(b, asAdmin));
    ok(await f.commands.handle({ type: "ReceiveStock", bookId: ids["The Whale"] ?? "", quantity: 3 }, asAdmin));
    ok(await f.commands.handle({ type: "ReceiveStock", bookId: ids["Sea Stories"] ?? "", quantity: 1 }, asAdmin));
    ok(await f.commands.handle({ type: "ChangeBookPrice", bookId: ids["Sea Stories"] ?? "", priceCents: 700, currency: "EUR" }, asAdmin));
    ok(await f.commands.handle({ type: "DiscontinueBook", bookId: ids["Withdrawn Whale Atlas"] ?? "" }, asAdmin));
    const events = (await eventsOf(f.store, Object.values(ids).flatMap((b) => [streams.book(b), streams.inventory(b)]))).sort((a, b) =>
      a.eventId.localeCompare(b.eventId),
    );
    expect((await createProjector(bookSearch, ports)(streamEvent(events))).batchItemFailures).toEqual([]);
  });

  const titles = (r: { books: readonly { title: string }[] }) => r.books.map((b) => b.title);

  it("finds books by words of title, authors and description, best match first, never a discontinued one", async () => {
    const r = await searchNow(ports, { q: "whale" });
    expect(titles(r)[0]).toBe("The Whale");
    expect(new Set(titles(r))).toEqual(new Set(["The Whale", "Whales of the World", "Sea Stories"]));
    expect(titles(await searchNow(ports, { q: "conrad" }))).toEqual(["Sea Stories"]);
  });

  it("filters by category, price range and stock, and counts the categories of the other filters", async () => {
    const r = await searchNow(ports, { q: "whale", category: "fiction", maxPriceCents: 1000 });
    expect(titles(r)).toEqual(["Sea Stories"]);
    expect(r.books[0]).toMatchObject({ priceCents: 700, available: 1, inStock: true });
    expect(r.categories).toEqual([{ category: "fiction", count: 1 }]);
    const all = await searchNow(ports, { q: "whale" });
    expect(all.categories).toEqual([
      { category: "fiction", count: 2 },
      { category: "science", count: 1 },
    ]);
    expect(titles(await searchNow(ports, { inStock: true, sort: "price" }))).toEqual(["Sea Stories", "The Whale"]);
  });

  it("sorts by price or newest, and pages with a cursor without gaps or repeats", async () => {
    expect(titles(await searchNow(ports, { sort: "price" }))).toEqual(["Sea Stories", "Gardening Basics", "The Whale", "Whales of the World"]);
    expect(titles(await searchNow(ports, { sort: "newest" }))).toEqual(["Gardening Basics", "Sea Stories", "Whales of the World", "The Whale"]);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await searchNow(ports, { sort: "price", limit: 3, ...(cursor === undefined ? {} : { cursor }) });
      seen.push(...titles(page));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    expect(seen).toEqual(["Sea Stories", "Gardening Basics", "The Whale", "Whales of the World"]);
  });

  it("serves one book, discontinued ones included with their flag", async () => {
    expect(await getBook(ports.views, ids["Withdrawn Whale Atlas"] ?? "")).toMatchObject({ discontinued: true, version: 2 });
    expect(await getBook(ports.views, ulid())).toBeUndefined();
  });

  it("keeps its first generation behind an alias, so that a rebuild can move searchers without deleting an index under them", async () => {
    const aliases = await ports.search.client.indices.getAlias({ name: ports.search.index });
    expect(Object.keys(aliases.body as object)).toEqual([`${ports.search.index}-g0`]);
    // Preparing again, as every projector container does on start, changes nothing.
    await bookSearch.prepare?.(ports);
    expect((await searchNow(ports, {})).books.length).toBeGreaterThan(0);
  });
});

describe("search as shoppers type it", () => {
  let f: CommandsFixture;
  let ports: ViewPorts & SearchPorts;
  const ids: Record<string, string> = {};
  const add = (title: string, authors: string[], category: string, description = "A book.") => addBookTo(ids)(title, authors, category, 1000, description);

  beforeAll(async () => {
    f = await freshCommands("search");
    ports = await freshPorts();
    const catalogue = [
      add("Running Wild", ["Ann Writer"], "sport", "Trails and hills."),
      add("The Family Cookbook", ["Ann Writer"], "food", "Recipes for every day."),
      add("Cooking for One", ["Bo Chef"], "food", "Small kitchens, good meals."),
      add("The Dispossessed", ["Ursula K. Le Guin"], "science-fiction", "An ambiguous utopia."),
      add("The Left Hand of Darkness", ["Ursula K. Le Guin"], "science-fiction", "Winter on Gethen."),
      add("Dispatches", ["Michael Herr"], "history", "War reporting."),
      add("Discontinued Dispatches", ["Michael Herr"], "history", "Never again."),
      ...Array.from({ length: 12 }, (_, i) => add(`Dishes Volume ${i + 1}`, ["Many Hands"], "food")),
    ];
    for (const b of catalogue) ok(await f.commands.handle(b, asAdmin));
    ok(await f.commands.handle({ type: "DiscontinueBook", bookId: ids["Discontinued Dispatches"] ?? "" }, asAdmin));
    const events = (await eventsOf(f.store, Object.values(ids).map((b) => streams.book(b)))).sort((a, b) => a.eventId.localeCompare(b.eventId));
    expect((await createProjector(bookSearch, ports)(streamEvent(events))).batchItemFailures).toEqual([]);
    await ports.search.client.indices.refresh({ index: ports.search.index });
  });

  const titles = (r: { books: readonly { title: string }[] }) => r.books.map((b) => b.title);

  it("forgives a typo: runing finds Running, a misspelt author finds the books", async () => {
    expect(titles(await searchBooks(ports, { q: "runing" }))).toEqual(["Running Wild"]);
    expect(titles(await searchBooks(ports, { q: "wlid" }))).toEqual(["Running Wild"]);
    expect(new Set(titles(await searchBooks(ports, { q: "ursla guin" })))).toEqual(new Set(["The Dispossessed", "The Left Hand of Darkness"]));
    // Short words must be right: a two-letter word has no typo to forgive.
    expect(titles(await searchBooks(ports, { q: "bo" }))).toEqual(["Cooking for One"]);
  });

  it("stems English: runs finds Running; cooking finds Cooking, and Cookbook only as far as the stemmer says", async () => {
    expect(titles(await searchBooks(ports, { q: "runs" }))).toEqual(["Running Wild"]);
    expect(titles(await searchBooks(ports, { q: "recipe" }))).toEqual(["The Family Cookbook"]);
    // The English stemmer makes "cooking" "cook" and leaves "cookbook" whole: a compound is not its parts.
    expect(titles(await searchBooks(ports, { q: "cooking" }))).toEqual(["Cooking for One"]);
    expect(titles(await searchBooks(ports, { q: "cookbook" }))).toEqual(["The Family Cookbook"]);
  });

  it("keeps the query syntax: a phrase, an exclusion", async () => {
    expect(titles(await searchBooks(ports, { q: '"left hand"' }))).toEqual(["The Left Hand of Darkness"]);
    expect(titles(await searchBooks(ports, { q: "ursula -utopia" }))).toEqual(["The Left Hand of Darkness"]);
  });

  it("counts an author facet beside the category facet, each under the other's filter", async () => {
    const all = await searchBooks(ports, { limit: 100 });
    expect(all.authors).toEqual(
      expect.arrayContaining([
        { author: "Many Hands", count: 12 },
        { author: "Ann Writer", count: 2 },
        { author: "Ursula K. Le Guin", count: 2 },
        // The discontinued one is not for sale, so not counted.
        { author: "Michael Herr", count: 1 },
        { author: "Bo Chef", count: 1 },
      ]),
    );
    const ann = await searchBooks(ports, { author: "Ann Writer" });
    expect(new Set(titles(ann))).toEqual(new Set(["Running Wild", "The Family Cookbook"]));
    // The author facet still shows every author; the categories are Ann Writer's.
    expect(ann.authors).toContainEqual({ author: "Bo Chef", count: 1 });
    expect(ann.categories).toEqual([
      { category: "food", count: 1 },
      { category: "sport", count: 1 },
    ]);
    const food = await searchBooks(ports, { category: "food", author: "Ann Writer" });
    expect(titles(food)).toEqual(["The Family Cookbook"]);
    expect(food.authors).toEqual([
      { author: "Many Hands", count: 12 },
      { author: "Ann Writer", count: 1 },
      { author: "Bo Chef", count: 1 },
    ]);
  });

  it("suggests titles from any of their first words and authors by name or surname, never a discontinued book", async () => {
    expect(await suggestBooks(ports, "dispo")).toEqual([{ kind: "title", text: "The Dispossessed", bookId: ids["The Dispossessed"] }]);
    expect(await suggestBooks(ports, "Dispa")).toEqual([{ kind: "title", text: "Dispatches", bookId: ids["Dispatches"] }]);
    const guin = await suggestBooks(ports, "gui");
    expect(guin).toEqual([{ kind: "author", text: "Ursula K. Le Guin" }]);
    const urs = await suggestBooks(ports, "ursula");
    expect(urs).toEqual([{ kind: "author", text: "Ursula K. Le Guin" }]);
    expect(await suggestBooks(ports, "left ha")).toEqual([{ kind: "title", text: "The Left Hand of Darkness", bookId: ids["The Left Hand of Darkness"] }]);
    // Ten at most, authors first.
    const dis = await suggestBooks(ports, "dis");
    expect(dis).toHaveLength(10);
    expect(dis.every((s) => s.kind === "title" && /^(The Dispossessed|Dispatches|Dishes Volume \d+)$/.test(s.text))).toBe(true);
    expect(dis.map((s) => s.text)).not.toContain("Discontinued Dispatches");
    expect(await suggestBooks(ports, "   ")).toEqual([]);
    expect(await suggestBooks(ports, "zzzz")).toEqual([]);
  });
});
