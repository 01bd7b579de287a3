import { eventsTable, keys, viewsTable } from "../store/tables.js";
import { dynamoArgs } from "./dynamo-args.js";

export interface Tables {
  readonly events: sst.aws.Dynamo;
  readonly views: sst.aws.Dynamo;
}

/**
 * The event store and the read models, from the same definitions the local runtime uses. The
 * physical names are SST's; handlers learn them from `EVENTS_TABLE` and `VIEWS_TABLE`.
 * In `prod` the tables cannot be deleted by accident and keep 35 days of point-in-time backups.
 */
export const tables = (): Tables => {
  const prod = $app.stage === "prod";
  const safety = {
    deletionProtection: prod,
    transform: { table: { pointInTimeRecovery: { enabled: prod } } },
  };
  return {
    events: new sst.aws.Dynamo("Events", { ...dynamoArgs(eventsTable("events")), ttl: keys.ttl, ...safety }),
    views: new sst.aws.Dynamo("Views", { ...dynamoArgs(viewsTable("views")), ...safety }),
  };
};
