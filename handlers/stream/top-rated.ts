import { topRated } from "../../projections/top-rated.js";
import { lambdaProjector } from "./lambda-projector.js";
import { redisPortsFromEnv, viewPortsFromEnv } from "./ports-from-env.js";

export const handler = lambdaProjector(topRated, () => ({ ...viewPortsFromEnv(), ...redisPortsFromEnv() }));
