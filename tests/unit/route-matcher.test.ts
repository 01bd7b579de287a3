import { describe, expect, it } from "vitest";
import { routes } from "../../handlers/http/routes.js";
import { routeMatcher } from "../../local/route-matcher.js";

const match = routeMatcher(routes);

describe("the local API Gateway's route matching", () => {
  it("routes a concrete path before a template it also fits", () => {
    const found = match("GET", "/books/suggest");
    expect(found.kind === "found" && found.route.operationId).toBe("suggestBooks");
    const book = match("GET", "/books/01JBOOK");
    expect(book.kind === "found" && book.route.operationId).toBe("getBook");
    expect(book.kind === "found" && book.pathParameters).toEqual({ bookId: "01JBOOK" });
  });

  it("answers 405 with the methods of the resource the path names, as the OpenAPI document lists them", () => {
    // `/books/suggest` also fits `/books/{bookId}` (GET, PATCH), but it names the suggestions.
    expect(match("OPTIONS", "/books/suggest")).toEqual({ kind: "wrong-method", allowed: ["GET"] });
    const book = match("DELETE", "/books/01JBOOK");
    expect(book.kind === "wrong-method" && [...book.allowed].sort()).toEqual(["GET", "PATCH"]);
    expect(match("GET", "/nowhere")).toEqual({ kind: "none" });
  });
});
