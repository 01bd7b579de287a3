import { describe, expect, it } from "vitest";
import { throttleClassOf, throttlesFor } from "../../handlers/http/throttling.js";
import { routes } from "../../handlers/http/routes.js";
import { routeThrottle, throttlesFromEnv } from "../../local/throttle.js";

describe("API Gateway's throttling, emulated", () => {
  it("is a token bucket per route: a full burst, then one request per 1/rate seconds, and says when", () => {
    let now = 0;
    const throttle = routeThrottle({ read: { rateLimit: 2, burstLimit: 3 }, write: { rateLimit: 1, burstLimit: 1 }, checkout: { rateLimit: 1, burstLimit: 1 } }, () => now);
    const read = { operationId: "getCart", method: "GET" };
    expect([throttle(read), throttle(read), throttle(read)].every((v) => v.allowed)).toBe(true);
    expect(throttle(read)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(throttle({ operationId: "getBook", method: "GET" }).allowed).toBe(true);
    now = 499;
    expect(throttle(read).allowed).toBe(false);
    now = 500;
    expect(throttle(read).allowed).toBe(true);
    now = 60_000;
    expect([1, 2, 3, 4].map(() => throttle(read).allowed)).toEqual([true, true, true, false]);
  });

  it("classes the commands that charge a payment as checkout, other commands as writes, queries as reads", () => {
    const classes = Object.fromEntries(routes.map((r) => [r.operationId, throttleClassOf(r)]));
    expect(classes).toMatchObject({ checkout: "checkout", payOrder: "checkout", addCartItem: "write", addBook: "write", getCart: "read", searchBooks: "read" });
    for (const stage of ["prod", "staging"]) {
      const l = throttlesFor(stage);
      expect(l.checkout.rateLimit).toBeLessThan(l.write.rateLimit);
      expect(l.write.rateLimit).toBeLessThan(l.read.rateLimit);
    }
  });

  it("THROTTLE picks a stage's limits or turns it off", () => {
    expect(throttlesFromEnv(undefined, throttlesFor)).toEqual(throttlesFor("staging"));
    expect(throttlesFromEnv("prod", throttlesFor)).toEqual(throttlesFor("prod"));
    expect(throttlesFromEnv("off", throttlesFor)).toBeUndefined();
    expect(() => throttlesFromEnv("fast", throttlesFor)).toThrow(/THROTTLE/);
  });
});
