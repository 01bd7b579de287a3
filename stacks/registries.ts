import { routes } from "../handlers/http/routes.js";
import type { ProjectionSpec, Registries } from "./inputs.js";

/**
 * The real registries, the only place `stacks/` learns what exists. The projection registry of
 * `projections/index.ts` (its `projections` and `filterCriteria`) is connected here.
 */
export const registries: Registries<ProjectionSpec> = {
  routes,
  projections: [],
  filterCriteria: (projection) => {
    throw new Error(`no projection registry connected, yet asked about ${projection.name}`);
  },
};
