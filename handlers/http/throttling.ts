/**
 * API Gateway's throttling of each route, per stage: a token bucket that refills at `rateLimit`
 * requests a second and holds at most `burstLimit`. It guards the backend and the bill against
 * runaway clients; it is no per-customer quota (API Gateway HTTP APIs have none).
 *
 * One table for the stacks (the stage's route settings), the local runtime (its emulation) and
 * the OpenAPI document (each operation's 429), so the three cannot tell different limits.
 */
export interface Throttle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * reads: queries, served from read models; writes: commands, each a DynamoDB transaction;
 * checkout: the commands that charge a payment, the dearest and the ones worth abusing (card testing).
 */
export type ThrottleClass = "read" | "write" | "checkout";
export type StageThrottles = Readonly<Record<ThrottleClass, Throttle>>;

const prod: StageThrottles = {
  read: { rateLimit: 500, burstLimit: 1000 },
  write: { rateLimit: 100, burstLimit: 200 },
  checkout: { rateLimit: 20, burstLimit: 40 },
};
/** Staging and personal stages serve a handful of people: a tenth of prod. */
const other: StageThrottles = {
  read: { rateLimit: 50, burstLimit: 100 },
  write: { rateLimit: 10, burstLimit: 20 },
  checkout: { rateLimit: 2, burstLimit: 4 },
};

export const throttlesFor = (stage: string): StageThrottles => (stage === "prod" ? prod : other);

const charging = new Set(["checkout", "payOrder"]);

export const throttleClassOf = (route: { readonly operationId: string; readonly method: string }): ThrottleClass =>
  charging.has(route.operationId) ? "checkout" : route.method === "GET" ? "read" : "write";

/** What API Gateway answers past a limit (HTTP APIs cannot change it). */
export const THROTTLED_BODY = { message: "Too Many Requests" } as const;
