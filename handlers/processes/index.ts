import { orderProcess } from "./order-process.js";

/**
 * Stream consumers that act through the command side rather than keep a read model. They run
 * beside the projections (one subscriber each in AWS, the same poller locally), are never
 * replayed or rebuilt, and appear in the projections' status and dead letters.
 */
export const processes = [orderProcess] as const;

export { orderProcess, sweepUnpaidOrders, unpaidOrderSettingsFromEnv, type ProcessPorts, type UnpaidOrderSettings } from "./order-process.js";
