import { openApiRoute } from "./openapi-route.js";
import type { AnyRoute } from "./route.js";

/**
 * The route table: the one source for the local server, SST and the OpenAPI document.
 * The command and query routes of DESIGN.md join it as the domain and read models arrive;
 * their codecs are in `codecs/`.
 */
export const routes: readonly AnyRoute[] = [openApiRoute(() => routes)];
