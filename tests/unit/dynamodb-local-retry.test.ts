import { describe, expect, it } from "vitest";
import { dynamoDbLocalRetry } from "../../store/index.js";

describe("the retry strategy of DynamoDB Local clients", () => {
  it("retries a server error (a lock wait) up to its attempts, each call on its own budget", async () => {
    const strategy = dynamoDbLocalRetry(4, 50, 2000, () => 1);
    for (let call = 0; call < 200; call++) {
      let token = await strategy.acquireInitialRetryToken("dynamodb");
      const delays: number[] = [];
      for (let i = 0; i < 3; i++) {
        token = await strategy.refreshRetryTokenForRetry(token, { errorType: "SERVER_ERROR" });
        delays.push(token.getRetryDelay());
      }
      expect(delays).toEqual([100, 200, 400]);
      await expect(strategy.refreshRetryTokenForRetry(token, { errorType: "TRANSIENT" })).rejects.toThrow();
    }
  });

  it("never retries a client error, and waits no longer than its cap", async () => {
    const strategy = dynamoDbLocalRetry(30, 50, 2000, () => 1);
    const first = await strategy.acquireInitialRetryToken("dynamodb");
    await expect(strategy.refreshRetryTokenForRetry(first, { errorType: "CLIENT_ERROR" })).rejects.toThrow();
    let token = first;
    for (let i = 0; i < 20; i++) token = await strategy.refreshRetryTokenForRetry(token, { errorType: "THROTTLING" });
    expect(token.getRetryDelay()).toBe(2000);
  });
});
