import { Logger } from "@aws-lambda-powertools/logger";
import { createRuntime, lazyRuntime, runtimeConfigFromEnv } from "../http/runtime.js";
import { sweepUnpaidOrders, unpaidOrderSettingsFromEnv } from "../processes/order-process.js";
import { viewPortsFromEnv } from "../stream/ports-from-env.js";

const log = new Logger({ serviceName: "bookstore-unpaid-orders" });
const runtime = lazyRuntime(() => createRuntime(runtimeConfigFromEnv()));

/** Run every minute by a schedule: reconciles payments left requested and cancels orders unpaid past their hold. */
export const handler = async (): Promise<void> => {
  const swept = await sweepUnpaidOrders({ ...viewPortsFromEnv(), commands: runtime().commands }, unpaidOrderSettingsFromEnv(), new Date());
  log.info("swept unpaid orders", { ...swept });
};
