import { describe, expect, it } from "vitest";
import { atGeneration, redisPrefixOf, searchIndexOf, viewsPrefixOf, type ProjectionPorts, type ViewsPort } from "../../projections/index.js";

const views = { client: {}, tableName: "views" } as unknown as ViewsPort;

describe("read-model generations", () => {
  it("generation 0 is the read model as first deployed: no prefix, the configured index", () => {
    expect(viewsPrefixOf("cart-view", 0)).toBeUndefined();
    expect(redisPrefixOf("bestsellers", 0)).toBe("");
    expect(searchIndexOf("books", 0)).toBe("books");
    const ports = { views } as ProjectionPorts;
    expect(atGeneration(ports, "cart-view", 0)).toBe(ports);
  });

  it("a later generation prefixes every key with the projection and its number, and suffixes the index", () => {
    const ports = { views, redis: {}, search: { client: {}, index: "books" } } as unknown as ProjectionPorts;
    const at = atGeneration(ports, "book-search", 3);
    expect(at.views).toEqual({ ...views, keyPrefix: "gen#book-search#3#" });
    expect(at.redisKeyPrefix).toBe("gen:book-search:3:");
    expect(at.search.index).toBe("books-g3");
    expect(at.search.client).toBe(ports.search.client);
    expect(ports.views.keyPrefix).toBeUndefined();
  });

  it("prefixes of one projection's generations never begin another's, nor a generation-0 key", () => {
    const prefixes = ["cart-view", "order-history", "sales-by-category"].flatMap((p) => [1, 2, 10].map((g) => viewsPrefixOf(p, g)!));
    for (const a of prefixes) for (const b of prefixes) if (a !== b) expect(b.startsWith(a)).toBe(false);
    for (const zero of ["cart#", "inventory#", "orders#", "order#", "search#", "sales#", "integration#"]) expect(prefixes.some((p) => p.startsWith(zero))).toBe(false);
  });

  it("ports built on first use stay unbuilt until a generation's port is used", () => {
    let built = 0;
    const ports = {
      views,
      get redis(): never {
        built += 1;
        throw new Error("REDIS_URL is not set");
      },
      get search() {
        built += 1;
        return { client: {}, index: "books" };
      },
    } as unknown as ProjectionPorts;
    const at = atGeneration(ports, "cart-view", 1);
    expect(at.views.keyPrefix).toBe("gen#cart-view#1#");
    expect(built).toBe(0);
    expect(at.search.index).toBe("books-g1");
    expect(built).toBe(1);
  });
});
