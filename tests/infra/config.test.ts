import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { routeKey } from "../../stacks/naming.js";
import { registries } from "../../stacks/registries.js";
import { throttlesFor } from "../../handlers/http/throttling.js";
import { corsOrigins } from "../../stacks/api.js";
import { environmentOf, handlerOf, ofType, one, routes, table } from "./resources.js";
import { type AppConfig, loadConfig, type Synthesis, synthesize } from "./synthesize.js";

// `sst.config.ts` itself, deployed to `prod` with the real route table and projection registry.
let config: AppConfig;
let s: Synthesis;
const prodOrigins = "https://shop.example.com, https://admin.example.com";
beforeAll(async () => {
  // prod refuses to deploy without its browser origins.
  process.env.CORS_ALLOW_ORIGINS = prodOrigins;
  config = await loadConfig();
  s = await synthesize("prod", () => config.run());
}, 300_000);

const root = resolve(import.meta.dirname, "../..");

describe("sst.config.ts", () => {
  it("retains and protects prod, and lets other stages be removed", () => {
    expect(config.app({ stage: "prod" })).toMatchObject({ name: "bookstore", removal: "retain", protect: true });
    expect(config.app({ stage: "dev" })).toMatchObject({ name: "bookstore", removal: "remove", protect: false });
    expect(s.outputs._protect).toBe(true);
  });

  it("in prod the tables survive removal, refuse deletion and keep point-in-time backups", () => {
    for (const t of [table(s, "Events"), table(s, "Views")]) {
      expect(t.retainOnDelete, t.name).toBe(true);
      expect(t.inputs.deletionProtectionEnabled, t.name).toBe(true);
      expect(t.inputs.pointInTimeRecovery, t.name).toEqual({ enabled: true });
    }
  });

  it("serves exactly the real route table", () => {
    expect(routes(s).map((r) => r.inputs.routeKey as string).sort()).toEqual(registries.routes.map(routeKey).sort());
    expect(ofType(s, "aws:lambda/eventSourceMapping:EventSourceMapping")).toHaveLength(registries.projections.length);
  });

  it("every handler a function points at exists and, loaded with that function's environment, exports a function", async () => {
    const functions = ofType(s, "aws:lambda/function:Function");
    // One per route, one per stream subscriber, and the sweep of unpaid orders.
    expect(functions).toHaveLength(registries.routes.length + registries.projections.length + 1);
    for (const fn of functions) {
      const handler = handlerOf(s, fn) ?? "";
      const dot = handler.lastIndexOf(".");
      const source = resolve(root, `${handler.slice(0, dot)}.ts`);
      expect(existsSync(source), handler).toBe(true);
      // As on a cold start: the module is loaded with the variables the function is given.
      Object.assign(process.env, environmentOf(fn));
      const module = (await import(source)) as Record<string, unknown>;
      expect(typeof module[handler.slice(dot + 1)], handler).toBe("function");
    }
  });

  it("outputs what a client and an operator need", () => {
    expect(Object.keys(s.outputs)).toEqual(
      expect.arrayContaining(["api", "userPool", "userPoolClient", "eventsTable", "viewsTable", "bus", "search", "alarms", "deadLetters"]),
    );
  });
});

describe("prod's API", () => {
  it("allows only the configured browser origins", () => {
    expect(one(s, "aws:apigatewayv2/api:Api", "ApiApi").inputs.corsConfiguration.allowOrigins).toEqual(["https://shop.example.com", "https://admin.example.com"]);
  });

  it("refuses to deploy prod with no origins, with *, or with an origin that is not https", () => {
    expect(() => corsOrigins("prod", undefined)).toThrow(/needs CORS_ALLOW_ORIGINS/);
    expect(() => corsOrigins("prod", " ")).toThrow(/needs CORS_ALLOW_ORIGINS/);
    expect(() => corsOrigins("prod", "https://shop.example.com,*")).toThrow(/never \*/);
    expect(() => corsOrigins("prod", "http://shop.example.com")).toThrow(/not an https origin/);
    expect(corsOrigins("staging", undefined)).toEqual(["*"]);
    expect(corsOrigins("staging", "http://localhost:5173")).toEqual(["http://localhost:5173"]);
  });

  it("is throttled at prod's limits, checkout lowest", () => {
    const stage = one(s, "aws:apigatewayv2/stage:Stage", "ApiStage").inputs;
    const byKey = new Map((stage.routeSettings as { routeKey: string; throttlingRateLimit: number }[]).map((r) => [r.routeKey, r.throttlingRateLimit]));
    expect(byKey.get("POST /checkout")).toBe(throttlesFor("prod").checkout.rateLimit);
    expect(byKey.get("POST /cart/items")).toBe(throttlesFor("prod").write.rateLimit);
    expect(byKey.get("GET /books")).toBe(throttlesFor("prod").read.rateLimit);
    expect(byKey.size).toBe(registries.routes.length);
  });
});
