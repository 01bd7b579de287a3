import { appendEvents, writeViews } from "./access.js";
import { tableEnvironment } from "./environment.js";
import { lambda, mergeAccess } from "./lambda.js";
import type { ReadModelServers } from "./read-model-servers.js";
import type { Tables } from "./tables.js";

/**
 * Every minute: payments whose outcome was never recorded are reconciled with the processor,
 * and orders still unpaid at the end of their hold (`CHECKOUT_HOLD_SECONDS`, 900 s unless set)
 * are cancelled, which gives their stock back.
 */
export const unpaidOrderSweep = (tables: Tables, servers: ReadModelServers): sst.aws.Cron =>
  new sst.aws.Cron("UnpaidOrders", {
    schedule: "rate(1 minute)",
    function: lambda(
      "handlers/schedule/unpaid-orders.handler",
      mergeAccess({ grants: [appendEvents(tables.events), writeViews(tables.views)], environment: tableEnvironment(tables) }),
      servers,
      { timeout: "60 seconds", description: "reconciles payments and ends orders unpaid past their hold" },
    ),
  });
