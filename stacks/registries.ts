import { routes } from "../handlers/http/routes.js";
import { filterCriteria, projections } from "../projections/index.js";
import type { Registries } from "./inputs.js";

/** The real registries, the only place `stacks/` learns what exists. */
export const registries: Registries<(typeof projections)[number]> = { routes, projections, filterCriteria };
