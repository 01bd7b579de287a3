import { type StageThrottles, type Throttle, throttleClassOf } from "../handlers/http/throttling.js";

export type Verdict = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

/**
 * API Gateway's throttling as the local runtime emulates it: one token bucket per route, shared
 * by every caller, full at start, refilled continuously at the route's rate up to its burst.
 * Unlike API Gateway it says when a token will be back (`Retry-After`), which costs nothing here.
 */
export const routeThrottle = (limits: StageThrottles, now: () => number = Date.now) => {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (route: { readonly operationId: string; readonly method: string }): Verdict => {
    const limit: Throttle = limits[throttleClassOf(route)];
    const t = now();
    const bucket = buckets.get(route.operationId) ?? { tokens: limit.burstLimit, at: t };
    bucket.tokens = Math.min(limit.burstLimit, bucket.tokens + ((t - bucket.at) / 1000) * limit.rateLimit);
    bucket.at = t;
    buckets.set(route.operationId, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / limit.rateLimit)) };
  };
};

/**
 * `THROTTLE`: `off`, `prod` (prod's limits) or, by default, the limits of any other stage, which a
 * developer meets first.
 */
export const throttlesFromEnv = (value: string | undefined, limitsOf: (stage: string) => StageThrottles): StageThrottles | undefined => {
  if (value === "off") return undefined;
  if (value === undefined || value === "" || value === "stage") return limitsOf("staging");
  if (value === "prod") return limitsOf("prod");
  throw new Error(`THROTTLE must be off, stage or prod, not ${value}`);
};
