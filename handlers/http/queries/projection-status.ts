import { projections, statusOf } from "../../../projections/index.js";
import { processes } from "../../processes/index.js";
import { NoPath, NoQuery } from "../codecs/common.js";
import { ProjectionStatuses } from "../codecs/projections.js";
import { ok } from "../result.js";
import { type AnyRoute, defineRoute } from "../route.js";
import type { QueryRuntime } from "../runtime.js";

export const projectionStatusRoute = (runtime: () => QueryRuntime): AnyRoute =>
  defineRoute({
    operationId: "getProjectionStatus",
    method: "GET",
    path: "/projections/status",
    auth: "admin",
    summary: "Per projection and process: the newest event applied, its time, the lag, and the dead-letter count",
    tags: ["operations"],
    request: { path: NoPath, query: NoQuery },
    response: { status: 200, codec: ProjectionStatuses },
    handler: async () => ok({ items: await statusOf({ views: runtime().readModels.views }, [...projections, ...processes]) }),
  });
