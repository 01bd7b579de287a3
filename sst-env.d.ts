/* Hand-written stand-in for the file `sst dev` and `sst deploy` generate (they may rewrite it).
 * Handlers read plain environment variables (EVENTS_TABLE, VIEWS_TABLE, OPENSEARCH_URL, REDIS_URL,
 * EVENT_BUS_NAME), so they run without SST; these are the linked resources as `Resource` from
 * "sst" shows them under `sst dev`. Tables and the bus are not linked: a link would grant `*`. */
import "sst";
declare module "sst" {
  export interface Resource {
    App: { name: string; stage: string };
    Search: { type: "sst.aws.OpenSearch"; url: string; username: string; password: string };
    Cache: { type: "sst.aws.Redis"; host: string; port: number; username: string; password: string };
  }
}
export {};
