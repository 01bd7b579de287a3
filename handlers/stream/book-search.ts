import { bookSearch } from "../../projections/book-search.js";
import { lambdaProjector } from "./lambda-projector.js";
import { searchPortsFromEnv, viewPortsFromEnv } from "./ports-from-env.js";

export const handler = lambdaProjector(bookSearch, () => ({ ...viewPortsFromEnv(), ...searchPortsFromEnv() }));
