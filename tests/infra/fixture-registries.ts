import { catalogueCache } from "../../handlers/http/caching.js";
import type { FilterPattern, ProjectionSpec, Registries, RouteSpec } from "../../stacks/inputs.js";
import { registries } from "../../stacks/registries.js";

/**
 * The real registries plus entries that exist nowhere else: what `stacks/` makes of them shows
 * that a new route or projection reaches the infrastructure with no change to `stacks/`.
 */
export const fixtureRoutes: readonly RouteSpec[] = [
  { operationId: "fixturePublicLookup", method: "GET", path: "/fixture/{thingId}", auth: "public" },
  { operationId: "fixtureCachedList", method: "GET", path: "/fixture-shelf/{shelfId}", auth: "public", response: { cache: catalogueCache } },
  { operationId: "fixtureCustomerCommand", method: "POST", path: "/fixture/things", auth: "customer" },
  { operationId: "fixtureAdminCommand", method: "DELETE", path: "/fixture/things/{thingId}", auth: "admin" },
];

const batch = { batchSize: 100, maximumBatchingWindowSeconds: 0, maximumRetryAttempts: 5, bisectBatchOnFunctionError: true, parallelizationFactor: 1 };

export const fixtureProjections: readonly ProjectionSpec[] = [
  { name: "fixture-view", eventTypes: ["CartItemAdded", "CartCheckedOut"], batch },
  {
    name: "fixture-search",
    eventTypes: ["BookAdded", "BookPriceChanged"],
    batch: { batchSize: 25, maximumBatchingWindowSeconds: 2, maximumRetryAttempts: 3, bisectBatchOnFunctionError: false, parallelizationFactor: 4 },
    stores: ["search"],
  },
  { name: "fixture-ranking", eventTypes: ["OrderPlaced"], batch, stores: ["cache"] },
  { name: "fixture-integration", eventTypes: ["OrderPlaced"], batch, stores: ["bus"] },
  { name: "fixture-outbox", eventTypes: ["OrderPaid"], batch, stores: ["queue"], queues: ["fulfilment"] },
];

/** The pattern DESIGN.md asks for: event items only (not idempotency records or snapshots), of the projection's types. */
const filterCriteria = (projection: ProjectionSpec): FilterPattern => ({
  dynamodb: { NewImage: { kind: { S: ["event"] }, type: { S: [...projection.eventTypes] } } },
});

export const fixtureRegistries: Registries = {
  routes: [...registries.routes, ...fixtureRoutes],
  projections: [...registries.projections, ...fixtureProjections],
  filterCriteria: (p) => {
    const real = registries.projections.find((r) => r.name === p.name);
    return real === undefined ? filterCriteria(p) : registries.filterCriteria(real);
  },
};
