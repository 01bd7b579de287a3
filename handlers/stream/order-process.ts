import { orderProcess } from "../processes/order-process.js";
import { createRuntime, runtimeConfigFromEnv } from "../http/runtime.js";
import { lambdaProjector } from "./lambda-projector.js";
import { viewPortsFromEnv } from "./ports-from-env.js";

export const handler = lambdaProjector(orderProcess, () => ({ ...viewPortsFromEnv(), commands: createRuntime(runtimeConfigFromEnv()).commands, clock: () => new Date() }));
