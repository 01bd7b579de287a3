import { FAILURE_RETENTION_SECONDS, failureQueueName } from "../projections/stream-failures.js";
import { appendEvents, publishTo, sendTo, writeViews } from "./access.js";
import { busEnvironment, cacheEnvironment, queueEnvironment, searchEnvironment, tableEnvironment } from "./environment.js";
import type { ProjectionSpec, ReadModelStore, Registries } from "./inputs.js";
import { type Access, lambda, mergeAccess } from "./lambda.js";
import { componentName, projectorEnvironment, projectorHandler } from "./naming.js";
import type { MessageQueues } from "./queues.js";
import type { ReadModelServers } from "./read-model-servers.js";
import type { Tables } from "./tables.js";

export interface Projector {
  readonly projection: string;
  readonly functionName: $util.Output<string>;
  readonly deadLetters: sst.aws.Queue;
}

/** The queues a projection declares, each of the registry. */
const queuesOf = (p: ProjectionSpec, queues: MessageQueues) =>
  (p.queues ?? []).map((key) => {
    const q = (queues as Readonly<Record<string, MessageQueues[keyof MessageQueues]>>)[key];
    if (q === undefined) throw new Error(`projection ${p.name} sends to ${key}, which is no queue of the registry`);
    return q;
  });

const storeAccess = (p: ProjectionSpec, store: ReadModelStore, servers: ReadModelServers, bus: sst.aws.Bus, tables: Tables, queues: MessageQueues): Partial<Access> => {
  switch (store) {
    case "events":
      // A process acting through the command side: it appends events as a command handler does.
      return { grants: [appendEvents(tables.events)], environment: tableEnvironment(tables) };
    case "search":
      return { environment: searchEnvironment(servers), links: [servers.search], inVpc: true };
    case "cache":
      return { environment: cacheEnvironment(servers), links: [servers.cache], inVpc: true };
    case "bus":
      return { grants: [publishTo(bus)], environment: busEnvironment(bus) };
    case "queue": {
      const declared = queuesOf(p, queues);
      if (declared.length === 0) throw new Error(`projection ${p.name} writes to a queue but names none (queues)`);
      // Send only, and only to the queues it names: consuming is the other system's business.
      return { grants: declared.map((q) => sendTo(q.queue)), environment: Object.assign({}, ...declared.map(queueEnvironment)) };
    }
  }
};

const projectorAccess = (p: ProjectionSpec, tables: Tables, servers: ReadModelServers, bus: sst.aws.Bus, queues: MessageQueues, deadLetters: sst.aws.Queue): Access => {
  const stores = p.stores ?? [];
  // The VPC has no NAT (it would cost more than the rest at idle): EventBridge and SQS are out of reach there.
  const outside = stores.filter((s) => s === "bus" || s === "queue");
  if (outside.length > 0 && stores.some((s) => s === "search" || s === "cache"))
    throw new Error(`projection ${p.name}: sending to ${outside.join(" or ")} and writing to search or cache need separate projections`);
  if ((p.queues ?? []).length > 0 && !stores.includes("queue")) throw new Error(`projection ${p.name} names queues but not the queue store`);
  return mergeAccess(
    { grants: [writeViews(tables.views), sendTo(deadLetters)], environment: tableEnvironment(tables) },
    ...stores.map((s) => storeAccess(p, s, servers, bus, tables, queues)),
  );
};

/**
 * One stream subscriber per projection of the registry: only event items of the types it
 * handles reach it, in batches as the projection asks, reporting partial failures; records
 * that still fail after the retries are recorded in the projection's dead-letter queue.
 */
export const projectors = <P extends ProjectionSpec>(
  registry: Pick<Registries<P>, "projections" | "filterCriteria">,
  tables: Tables,
  servers: ReadModelServers,
  bus: sst.aws.Bus,
  queues: MessageQueues,
): Projector[] =>
  registry.projections.map((p) => {
    const name = componentName(p.name);
    // Holds failure pointers (shard, sequence range, arrival times) for 14 days; `bookstore dlq` finds it by its name.
    const deadLetters = new sst.aws.Queue(`${name}DeadLetters`, {
      transform: { queue: { name: failureQueueName(`${$app.name}-${$app.stage}`, p.name), messageRetentionSeconds: FAILURE_RETENTION_SECONDS } },
    });
    const subscriber = tables.events.subscribe(
      `${name}Projector`,
      lambda(projectorHandler(p), projectorAccess(p, tables, servers, bus, queues, deadLetters), servers, {
        timeout: "60 seconds",
        description: `projection ${p.name}`,
        environment: projectorEnvironment(p),
      }),
      {
        filters: [registry.filterCriteria(p)],
        transform: {
          eventSourceMapping: (args) => {
            args.startingPosition = "TRIM_HORIZON";
            args.batchSize = p.batch.batchSize;
            args.maximumBatchingWindowInSeconds = p.batch.maximumBatchingWindowSeconds;
            args.maximumRetryAttempts = p.batch.maximumRetryAttempts;
            args.bisectBatchOnFunctionError = p.batch.bisectBatchOnFunctionError;
            args.parallelizationFactor = p.batch.parallelizationFactor;
            args.functionResponseTypes = ["ReportBatchItemFailures"];
            args.destinationConfig = { onFailure: { destinationArn: deadLetters.arn } };
          },
        },
      },
    );
    return { projection: p.name, functionName: subscriber.apply((s) => s.nodes.function.name), deadLetters };
  });
