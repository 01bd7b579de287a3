import { processes } from "../handlers/processes/index.js";
import { routes } from "../handlers/http/routes.js";
import { filterCriteria, projections } from "../projections/index.js";
import type { Registries } from "./inputs.js";

type Subscriber = (typeof projections)[number] | (typeof processes)[number];

/** The real registries, the only place `stacks/` learns what exists: the projections and the processes both subscribe to the stream. */
export const registries: Registries<Subscriber> = { routes, projections: [...projections, ...processes], filterCriteria };
