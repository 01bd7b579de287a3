import { cartView } from "../../projections/cart-view.js";
import { lambdaProjector } from "./lambda-projector.js";
import { viewPortsFromEnv } from "./ports-from-env.js";

export const handler = lambdaProjector(cartView, viewPortsFromEnv);
