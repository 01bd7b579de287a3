import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routes } from "../../handlers/http/routes.js";
import type { StageThrottles } from "../../handlers/http/throttling.js";
import { startTestApi, type TestApi } from "./api-server.js";

// Small limits, so a burst past them is a handful of requests: reads 1/s with a burst of 2.
const limits: StageThrottles = {
  read: { rateLimit: 1, burstLimit: 2 },
  write: { rateLimit: 1, burstLimit: 1 },
  checkout: { rateLimit: 1, burstLimit: 1 },
};

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi(routes, { throttle: limits });
});
afterAll(() => api.close());

describe("the local API Gateway emulation throttles each route", () => {
  it("answers a burst past the limit with 429 and Retry-After, and serves again once the client waited", async () => {
    const get = () => fetch(`${api.url}/openapi.json`);
    const burst = [await get(), await get(), await get()];
    expect(burst.map((r) => r.status)).toEqual([200, 200, 429]);
    const throttled = burst[2]!;
    expect(throttled.headers.get("content-type")).toBe("application/json");
    expect(await throttled.json()).toEqual({ message: "Too Many Requests" });
    const retryAfter = Number(throttled.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    // Another route has a bucket of its own: the reads' burst did not spend it.
    expect((await fetch(`${api.url}/checkout`, { method: "POST" })).status).toBe(401);
    expect((await fetch(`${api.url}/checkout`, { method: "POST" })).status).toBe(429);

    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
    const after = await get();
    expect(after.status).toBe(200);
    await after.arrayBuffer();
  });
});
