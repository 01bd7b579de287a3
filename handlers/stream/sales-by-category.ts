import { salesByCategory } from "../../projections/sales-by-category.js";
import { lambdaProjector } from "./lambda-projector.js";
import { redisPortsFromEnv, viewPortsFromEnv } from "./ports-from-env.js";

export const handler = lambdaProjector(salesByCategory, () => ({ ...viewPortsFromEnv(), ...redisPortsFromEnv() }));
