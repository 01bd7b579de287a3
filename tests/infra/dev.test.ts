import { beforeAll, describe, expect, it } from "vitest";
import { routeKey } from "../../stacks/naming.js";
import { fixtureRegistries } from "./fixture-registries.js";
import { environmentOf, ofType, routeNamed, functionOfRoute } from "./resources.js";
import { type Synthesis, synthesize } from "./synthesize.js";

// `sst dev`: functions run on the developer's machine, next to the servers of `npm run servers`.
let s: Synthesis;
beforeAll(async () => {
  const { bookstore } = await import("../../stacks/index.js");
  s = await synthesize("alice", () => bookstore(fixtureRegistries), { dev: true });
}, 300_000);

describe("sst dev", () => {
  it("creates no OpenSearch domain and no Redis cluster: the local servers stand in", () => {
    expect(ofType(s, "aws:opensearch/domain:Domain")).toEqual([]);
    expect(ofType(s, "aws:elasticache/replicationGroup:ReplicationGroup")).toEqual([]);
  });

  it("points queries at the local Redis and OpenSearch, outside any VPC", () => {
    const query = fixtureRegistries.routes.find((r) => r.method === "GET");
    if (query === undefined) throw new Error("the fixture has a query route");
    const fn = functionOfRoute(s, routeNamed(s, routeKey(query)));
    expect(fn.inputs.vpcConfig).toBeUndefined();
    expect(environmentOf(fn)).toMatchObject({ REDIS_URL: "redis://localhost:6379", OPENSEARCH_URL: "http://localhost:9200" });
  });

  it("still creates the real tables, with the stream the projectors read", () => {
    const events = ofType(s, "aws:dynamodb/table:Table").find((t) => t.name === "EventsTable");
    expect(events?.inputs.streamViewType).toBe("NEW_IMAGE");
    expect(ofType(s, "aws:lambda/eventSourceMapping:EventSourceMapping")).toHaveLength(fixtureRegistries.projections.length);
  });
});
