import { orderHistory } from "../../projections/order-history.js";
import { lambdaProjector } from "./lambda-projector.js";
import { viewPortsFromEnv } from "./ports-from-env.js";

export const handler = lambdaProjector(orderHistory, viewPortsFromEnv);
