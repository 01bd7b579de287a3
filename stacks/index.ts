import { alarms } from "./alarms.js";
import { api } from "./api.js";
import { cdn } from "./cdn.js";
import type { ProjectionSpec, Registries } from "./inputs.js";
import { projectors } from "./projectors.js";
import { messageQueues } from "./queues.js";
import { readModelServers } from "./read-model-servers.js";
import { unpaidOrderSweep } from "./schedules.js";
import { tables } from "./tables.js";

/** The whole backend, generated from the route table and the projection registry. */
export const bookstore = <P extends ProjectionSpec>(registries: Registries<P>) => {
  const data = tables();
  const servers = readModelServers();
  // Integration events for other systems (shipping, mail); projections with `stores: ["bus"]` publish here.
  const bus = new sst.aws.Bus("Integration");
  // Messages for other systems that read a queue (the warehouse); projections with `stores: ["queue"]` send there.
  const queues = messageQueues();
  const http = api(registries.routes, data, servers);
  const edge = cdn(registries.routes, http.api.url);
  const subscribed = projectors(registries, data, servers, bus, queues);
  const topic = alarms(subscribed, queues);
  unpaidOrderSweep(data, servers);
  return {
    api: http.api.url,
    // What a storefront calls: the API behind CloudFront, its public reads cached at the edge.
    cdn: edge.url,
    userPool: http.users.id,
    userPoolClient: http.web.id,
    eventsTable: data.events.name,
    viewsTable: data.views.name,
    bus: bus.name,
    search: servers.search.url,
    alarms: topic.arn,
    deadLetters: Object.fromEntries(subscribed.map((p) => [p.projection, p.deadLetters.url])),
    queues: Object.fromEntries(Object.values(queues).map((q) => [q.key, { url: q.queue.url, deadLetters: q.deadLetters.url }])),
  };
};
