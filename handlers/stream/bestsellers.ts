import { bestsellers } from "../../projections/bestsellers.js";
import { lambdaProjector } from "./lambda-projector.js";
import { redisPortsFromEnv, viewPortsFromEnv } from "./ports-from-env.js";

export const handler = lambdaProjector(bestsellers, () => ({ ...viewPortsFromEnv(), ...redisPortsFromEnv() }));
