import { Logger } from "@aws-lambda-powertools/logger";

/** One structured JSON line per request; level from `POWERTOOLS_LOG_LEVEL` (default INFO). */
export const httpLogger = new Logger({ serviceName: "bookstore-api" });
