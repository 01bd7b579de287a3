/**
 * For clients of DynamoDB Local only (those given an endpoint). The SDK's retry strategy, with a retry budget per client: each retry spends tokens from a
 * bucket of 500, and when it is empty the client stops retrying at all. DynamoDB Local answers
 * 500 "timed out ... waiting for a lock" whenever several writers overlap (it runs on one SQLite
 * database), so a busy client (a test, a seed, the local API under load) empties that bucket in
 * seconds, then fails every call that meets a lock. Real DynamoDB does not fail this way, so
 * locally each call retries on its own, with jittered exponential backoff and no shared budget.
 */
interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}
interface RetryErrorInfo {
  readonly errorType: "TRANSIENT" | "SERVER_ERROR" | "THROTTLING" | "CLIENT_ERROR";
}

const token = (retries: number, delay: number): RetryToken => ({ getRetryCount: () => retries, getRetryDelay: () => delay });

export const dynamoDbLocalRetry = (maxAttempts: number, baseDelayMs = 50, maxDelayMs = 2000, random: () => number = Math.random) => ({
  mode: "standard" as const,
  acquireInitialRetryToken: async (_scope: string): Promise<RetryToken> => token(0, 0),
  refreshRetryTokenForRetry: async (previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> => {
    const retries = previous.getRetryCount() + 1;
    if (info.errorType === "CLIENT_ERROR" || retries >= maxAttempts) throw new Error("no retry");
    return token(retries, random() * Math.min(maxDelayMs, baseDelayMs * 2 ** retries));
  },
  recordSuccess: (_token: RetryToken): void => {},
});
