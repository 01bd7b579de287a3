import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { projections } from "../../projections/index.js";
import type { ReadModelStore } from "../../projections/projection.js";
import { createRuntime, runtimeConfigFromEnv } from "../http/runtime.js";
import { processes } from "../processes/index.js";
import { lambdaProjector } from "./lambda-projector.js";
import { integrationPortsFromEnv, queuePortsFromEnv, redisPortsFromEnv, searchPortsFromEnv, viewPortsFromEnv } from "./ports-from-env.js";

/**
 * The ports of the stores a subscriber declares, from the environment (the views table always):
 * only those are linked to its function, so only those are built.
 */
const portsFor = (stores: readonly ReadModelStore[] = []) => () => ({
  ...viewPortsFromEnv(),
  ...(stores.includes("cache") ? redisPortsFromEnv() : {}),
  ...(stores.includes("search") ? searchPortsFromEnv() : {}),
  ...(stores.includes("bus") ? integrationPortsFromEnv() : {}),
  ...(stores.includes("queue") ? queuePortsFromEnv() : {}),
  ...(stores.includes("events") ? { commands: createRuntime(runtimeConfigFromEnv()).commands, clock: () => new Date() } : {}),
});

/** Every stream subscriber of the registries by name, each with the ports its stores need (`portsFor` builds exactly those). */
const subscribers = new Map(
  [...projections, ...processes].map((p) => [p.name, lambdaProjector(p as Parameters<typeof lambdaProjector>[0], portsFor(p.stores))] as const),
);

/**
 * The Lambda entry of every projection and process: SST sets `PROJECTION_NAME` on each
 * subscriber's function, so a new projection is its file and a registry line, and no entry file.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const name = process.env.PROJECTION_NAME ?? "";
  const subscriber = subscribers.get(name);
  if (subscriber === undefined) throw new Error(`PROJECTION_NAME names no projection or process: "${name}"`);
  return subscriber(event);
};
