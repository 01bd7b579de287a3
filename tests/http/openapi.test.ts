import { readFile } from "node:fs/promises";
import { Validator } from "@seriousme/openapi-schema-validator";
import spectralCore from "@stoplight/spectral-core";
import spectralParsers from "@stoplight/spectral-parsers";
import owaspModule from "@stoplight/spectral-owasp-ruleset";
import type { RulesetDefinition } from "@stoplight/spectral-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as api from "../../handlers/http/api.js";
import { openApiDocument } from "../../handlers/http/openapi.js";
import { openApiRoute } from "../../handlers/http/openapi-route.js";
import { throttleClassOf, throttlesFor } from "../../handlers/http/throttling.js";
import { MAX_LINE_TOTAL_CENTS, MAX_LINES } from "../../domain/cart.js";
import { MAX_ORDER_TOTAL_CENTS } from "../../domain/checkout.js";
import pkg from "../../package.json" with { type: "json" };
import type { AnyRoute } from "../../handlers/http/route.js";
import { routes } from "../../handlers/http/routes.js";
import { type Json, startTestApi, type TestApi } from "./api-server.js";

const operationsOf = (doc: { paths: Record<string, Record<string, { operationId?: string }>> }) =>
  Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`)).sort();
const keysOf = (table: readonly { method: string; path: string }[]) => table.map((r) => `${r.method} ${r.path}`).sort();

/** The HTTP contract table of DESIGN.md, as storefront clients read it. */
const designContract = [
  "POST /books",
  "PATCH /books/{bookId}",
  "PUT /books/{bookId}/price",
  "POST /books/{bookId}/discontinue",
  "POST /inventory/{bookId}/receipts",
  "GET /inventory/{bookId}",
  "GET /books",
  "GET /books/{bookId}",
  "GET /bestsellers",
  "GET /cart",
  "POST /cart/items",
  "PATCH /cart/items/{bookId}",
  "DELETE /cart/items/{bookId}",
  "POST /checkout",
  "GET /orders",
  "GET /orders/{orderId}",
  "POST /orders/{orderId}/cancel",
  "POST /books/{bookId}/ratings",
  "GET /streams/{streamId}/events",
  "GET /openapi.json",
  // Added to DESIGN.md's table by the projections issue: operators read projection status here.
  "GET /projections/status",
  // Added by the flash-sale issue: an order placed without a token is paid within its hold.
  "POST /orders/{orderId}/payment",
  // Added by the read-path issue: search-as-you-type, and the books bought in the same paid
  // orders as a book.
  "GET /books/suggest",
  "GET /books/{bookId}/also-bought",
  // Added by the fulfilment issue: shipments, deliveries, the OMS's reports and stock counts.
  "POST /orders/{orderId}/shipments",
  "POST /orders/{orderId}/shipments/{shipmentId}/delivered",
  "POST /fulfilment/events",
  "POST /inventory/{bookId}/adjustments",
];

const validate = async (doc: unknown) => {
  const result = await new Validator().validate(doc as Json);
  return { valid: result.valid, errors: JSON.stringify(result.errors ?? []).slice(0, 2000) };
};

// Its types describe the CommonJS build; under ESM the default export is the ruleset itself.
const owasp = ((owaspModule as unknown as { default?: unknown }).default ?? owaspModule) as RulesetDefinition & { rules: Record<string, unknown> };

interface Finding {
  readonly code: string | number;
  readonly severity: number;
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** The `x-lint-exempt` of the node at `path` or of any node above it, for `rule`. */
const exemption = (doc: Json, path: readonly (string | number)[], rule: string): string | undefined => {
  let node: Json = doc;
  let reason: string | undefined = node?.["x-lint-exempt"]?.[rule];
  for (const key of path) {
    node = node?.[key];
    reason = node?.["x-lint-exempt"]?.[rule] ?? reason;
  }
  return reason;
};

/** Spectral with the OWASP API security ruleset over the document, as its CLI would run it. */
const lint = async (doc: Json) => {
  const { Spectral, Document } = spectralCore;
  const spectral = new Spectral();
  spectral.setRuleset(owasp);
  const findings = (await spectral.run(new Document(JSON.stringify(doc, null, 2), spectralParsers.Json, "openapi.json"))) as Finding[];
  const counts: Record<string, { found: number; exempt: number }> = {};
  const open: Finding[] = [];
  for (const f of findings) {
    const rule = String(f.code);
    const c = (counts[rule] ??= { found: 0, exempt: 0 });
    c.found++;
    if (exemption(doc, f.path, rule) !== undefined) c.exempt++;
    else open.push(f);
  }
  return { counts, open, rules: Object.keys(owasp.rules) };
};

let server: TestApi;
beforeAll(async () => {
  server = await startTestApi(routes);
});
afterAll(() => server.close());

describe("the OpenAPI document", () => {
  it("served at /openapi.json is valid OpenAPI 3.1 and lists exactly the route table", async () => {
    const res = await fetch(`${server.url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    const doc = (await res.json()) as Json;
    expect(doc.openapi).toBe("3.1.0");
    expect(await validate(doc)).toEqual({ valid: true, errors: "[]" });
    expect(operationsOf(doc)).toEqual(keysOf(routes));
  });

  it("covers exactly the HTTP contract of DESIGN.md, and is valid", async () => {
    const table: AnyRoute[] = [...routes.filter((r) => r.operationId !== "getOpenApi"), openApiRoute(() => table)];
    const doc = openApiDocument(table);
    expect(keysOf(table)).toEqual([...designContract].sort());
    expect(await validate(doc)).toEqual({ valid: true, errors: "[]" });
    expect(operationsOf(doc)).toEqual(keysOf(table));
    // The validator does refuse: the same document with a parameter in no valid place.
    const broken = structuredClone(doc) as unknown as { paths: Record<string, Record<string, { parameters: { in: string }[] }>> };
    broken.paths["/books"]!.get!.parameters[0]!.in = "body";
    expect((await validate(broken)).valid).toBe(false);
  });

  it("publishes the rules the codecs enforce: exact bodies, bounds, patterns, security, problems", () => {
    const doc = openApiDocument(routes) as unknown as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
      components: { schemas: Record<string, Record<string, unknown>> };
    };
    const addToCart = doc.components.schemas.AddCartItemBody;
    expect(addToCart).toMatchObject({
      type: "object",
      additionalProperties: false,
      required: ["bookId", "quantity"],
      properties: { quantity: { type: "integer", minimum: 1, maximum: 99 } },
    });
    expect(Object.keys(addToCart?.properties as object)).not.toContain("unitPriceCents");
    const checkout = doc.paths["/checkout"]?.post as Record<string, Record<string, unknown>>;
    expect(checkout.requestBody?.required).toBe(false);
    expect(Object.keys(checkout.responses ?? {})).toEqual(expect.arrayContaining(["201", "400", "401", "409", "413", "415", "422", "500"]));
    expect(doc.paths["/books"]?.post?.security).toEqual([{ cognitoJwt: [] }]);
    expect(doc.paths["/books"]?.get?.security).toEqual([{}, { cognitoJwt: [] }]);
    const search = doc.paths["/books"]?.get?.parameters as { name: string; in: string; schema: Record<string, unknown> }[];
    expect(search.find((p) => p.name === "minPrice")).toMatchObject({ in: "query", schema: { type: "integer", minimum: 0 } });
    expect(search.find((p) => p.name === "sort")?.schema).toEqual({ $ref: "#/components/schemas/BookSort" });
    // Clients that pass minVersion learn from the document how a stale answer is flagged.
    for (const [path, method] of [["/cart", "get"], ["/orders/{orderId}", "get"], ["/inventory/{bookId}", "get"]] as const) {
      const ok = (doc.paths[path]?.[method]?.responses as Record<string, { headers?: Record<string, unknown> }>)["200"];
      expect(Object.keys(ok?.headers ?? {}), path).toEqual(expect.arrayContaining(["Access-Control-Allow-Origin", "x-read-model-stale"]));
    }
    // The public reads say how long they may be kept and take a validator back; the caller's own do not.
    const book = doc.paths["/books/{bookId}"]?.get;
    expect(Object.keys((book?.responses as Record<string, unknown>)["304"] ?? {})).toContain("description");
    expect(Object.keys((book?.responses as Record<string, { headers?: object }>)["200"]?.headers ?? {})).toEqual(expect.arrayContaining(["cache-control", "etag"]));
    expect((book?.parameters as { name: string }[]).map((p) => p.name)).toContain("If-None-Match");
    expect(Object.keys(doc.paths["/cart"]?.get?.responses ?? {})).not.toContain("304");
    expect(Object.keys((doc.paths["/cart"]?.get?.responses as Record<string, { headers?: object }>)["200"]?.headers ?? {})).not.toContain("etag");
    // An admin's edits take If-Match and may answer 412.
    const edit = doc.paths["/books/{bookId}"]?.patch;
    expect((edit?.parameters as { name: string }[]).map((p) => p.name)).toContain("If-Match");
    expect(Object.keys(edit?.responses ?? {})).toContain("412");
  });

  it("bounds every number it documents, and gives every integer a format", () => {
    const unbounded: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`));
      if (node === null || typeof node !== "object") return;
      const schema = node as Record<string, unknown>;
      if (schema.type === "integer" || schema.type === "number") {
        if (schema.minimum === undefined || schema.maximum === undefined || schema.format === undefined) unbounded.push(at);
      }
      for (const [key, child] of Object.entries(schema)) walk(child, `${at}/${key}`);
    };
    walk(openApiDocument(routes), "#");
    expect(unbounded).toEqual([]);
  });

  it("tells every route that takes a token that a token naming no acceptable identity is a 401", () => {
    const doc = openApiDocument(routes) as unknown as { paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>> };
    for (const route of routes.filter((r) => r.auth !== "public")) {
      const responses = doc.paths[route.path]?.[route.method.toLowerCase()]?.responses;
      expect(responses?.["401"]?.description, route.operationId).toMatch(/subject \(`sub`\) is not an identity/);
    }
  });

  it("documents 503 with Retry-After on exactly the queries a read model's outage can fail", () => {
    const doc = openApiDocument(routes) as unknown as {
      paths: Record<string, Record<string, { operationId: string; responses: Record<string, { headers?: Record<string, unknown> }> }>>;
    };
    const operations = Object.values(doc.paths).flatMap((item) => Object.values(item));
    const with503 = operations.filter((o) => o.responses["503"] !== undefined).map((o) => o.operationId).sort();
    expect(with503).toEqual(["getAlsoBought", "getBestsellers", "searchBooks", "suggestBooks"]);
    for (const o of operations.filter((o) => o.responses["503"] !== undefined)) {
      expect(o.responses["503"]?.headers, o.operationId).toEqual({
        "Access-Control-Allow-Origin": { $ref: "#/components/headers/Access-Control-Allow-Origin" },
        "Retry-After": { description: expect.any(String), schema: { type: "integer", format: "int32", minimum: 1, maximum: 3600 } },
      });
    }
  });

  it("documents 429 on every operation with the route's own limits, and 422 where a command can pass a limit", () => {
    const doc = openApiDocument(routes) as Json;
    for (const route of routes) {
      const op = doc.paths[route.path][route.method.toLowerCase()];
      const throttled = op.responses["429"];
      const { rateLimit } = throttlesFor("prod")[throttleClassOf(route)];
      expect(throttled.description, route.operationId).toContain(`${rateLimit} requests a second`);
      expect(Object.keys(throttled.headers), route.operationId).toEqual(["Access-Control-Allow-Origin", "Retry-After"]);
      expect(throttled.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Throttled" });
    }
    for (const id of ["addCartItem", "changeCartItem", "checkout"]) {
      const route = routes.find((r) => r.operationId === id)!;
      expect(doc.paths[route.path][route.method.toLowerCase()].responses["422"].description, id).toMatch(/limit-exceeded.*100000000 cents|100000000 cents.*limit-exceeded/);
    }
    const schemas = doc.components.schemas;
    expect(schemas.CartLine.properties.lineTotalCents).toMatchObject({ type: "integer", format: "int32", maximum: MAX_LINE_TOTAL_CENTS });
    expect(schemas.OrderView.properties.totalCents).toMatchObject({ maximum: MAX_ORDER_TOTAL_CENTS });
    expect(schemas.CartView.properties.lines).toMatchObject({ type: "array", maxItems: MAX_LINES });
    expect(doc.info.description).toContain(`at most ${MAX_LINES} different books`);
  });

  it("names its version, servers and tags, and how a token is verified", () => {
    const doc = openApiDocument(routes) as Json;
    expect(doc.info.version).toBe(pkg.version);
    expect(doc.servers.map((s: { url: string; "x-internal": boolean }) => [s.url, s["x-internal"]])).toEqual([
      ["https://{apiId}.execute-api.{region}.amazonaws.com", false],
      ["http://localhost:3000", true],
    ]);
    const used = [...new Set(routes.flatMap((r) => r.tags ?? []))].sort();
    expect(doc.tags.map((t: { name: string }) => t.name)).toEqual(used);
    for (const tag of doc.tags) expect(tag.description, tag.name).toMatch(/\w+/);
    expect(() => openApiDocument([{ ...routes[0]!, tags: ["nameless"] }])).toThrow(/tags without a description: nameless/);
    expect(doc.components.securitySchemes.cognitoJwt.description).toMatch(/RFC8725/);
  });

  it("refuses a route whose path codec does not name its placeholders", () => {
    const broken = { ...routes.find((r) => r.operationId === "changeBookPrice")!, path: "/books/{isbn}/price" };
    expect(() => openApiDocument([broken])).toThrow(/placeholders/);
  });

  it("`npm run openapi` writes the same document the API serves", async () => {
    const { execFile } = await import("node:child_process");
    const { mkdtemp } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const path = await import("node:path");
    const out = path.join(await mkdtemp(path.join(tmpdir(), "openapi-")), "openapi.json");
    await new Promise<void>((resolve, reject) =>
      execFile("npx", ["tsx", "local/write-openapi.ts", out], (e) => (e ? reject(e) : resolve())),
    );
    expect(JSON.parse(await readFile(out, "utf8"))).toEqual(openApiDocument(routes));
  });
});

describe("the OpenAPI document under the OWASP API security ruleset", () => {
  it("breaks no rule but those it says in its own words do not apply", async () => {
    const doc = openApiDocument(routes) as Json;
    const { counts, open, rules } = await lint(doc);
    console.log(`OWASP ruleset: ${rules.length} rules; findings per rule (found / exempt by the document):`);
    for (const [rule, c] of Object.entries(counts).sort()) console.log(`  ${rule}: ${c.found} / ${c.exempt}`);
    console.log(`  open: ${open.length}`);
    expect(open.map((f) => `${f.code} ${f.path.join(".")}: ${f.message}`)).toEqual([]);
    // Every exemption names a real rule and gives a reason; none is left over from a fixed finding.
    const exemptions: [string, unknown][] = [];
    JSON.stringify(doc, (key, value) => {
      if (key === "x-lint-exempt") exemptions.push(...Object.entries(value as Record<string, unknown>));
      return value;
    });
    for (const [rule, reason] of exemptions) {
      expect(rules, rule).toContain(rule);
      expect(reason, rule).toEqual(expect.stringMatching(/\w{3,}.*\./));
      expect(counts[rule]?.exempt ?? 0, rule).toBeGreaterThan(0);
    }
  });

  it("the lint does find what it should: a string without a bound, an array without maxItems", async () => {
    const doc = structuredClone(openApiDocument(routes)) as Json;
    delete doc.components.schemas.CartLine.properties.title.maxLength;
    delete doc.components.schemas.CartView.properties.lines.maxItems;
    const { open } = await lint(doc);
    expect(open.map((f) => `${f.code} ${f.path.join(".")}`).sort()).toEqual([
      "owasp:api4:2023-array-limit components.schemas.CartView.properties.lines",
      "owasp:api4:2023-string-limit components.schemas.CartLine.properties.title",
    ]);
  });
});

describe("the route table and the Lambda exports", () => {
  it("every route has a handler under its operationId, and the one entry runs the route OPERATION_ID names", async () => {
    expect(Object.keys(api.handlers).sort()).toEqual(routes.map((r) => r.operationId).sort());
    for (const route of routes) expect(typeof api.handlers[route.operationId]).toBe("function");
    const saved = process.env.OPERATION_ID;
    try {
      process.env.OPERATION_ID = "getOpenApi";
      const event = { rawPath: "/openapi.json", headers: {}, requestContext: { requestId: "r1", http: { method: "GET", path: "/openapi.json" } } };
      const answer = await api.handler(event as never, {} as never);
      expect(answer.statusCode).toBe(200);
      expect(JSON.parse(answer.body ?? "{}").openapi).toBe("3.1.0");
      process.env.OPERATION_ID = "noSuchRoute";
      expect(() => api.handler(event as never, {} as never)).toThrow(/OPERATION_ID names no route/);
    } finally {
      if (saved === undefined) delete process.env.OPERATION_ID;
      else process.env.OPERATION_ID = saved;
    }
  });

  it("operationIds are unique", () => {
    const ids = routes.map((r) => r.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
