import { integrationEvents } from "../../projections/integration-events.js";
import { lambdaProjector } from "./lambda-projector.js";
import { integrationPortsFromEnv, viewPortsFromEnv } from "./ports-from-env.js";

export const handler = lambdaProjector(integrationEvents, () => ({ ...viewPortsFromEnv(), ...integrationPortsFromEnv() }));
