import { inventoryView } from "../../projections/inventory-view.js";
import { lambdaProjector } from "./lambda-projector.js";
import { viewPortsFromEnv } from "./ports-from-env.js";

export const handler = lambdaProjector(inventoryView, viewPortsFromEnv);
