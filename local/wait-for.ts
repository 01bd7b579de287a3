import { setTimeout as sleep } from "node:timers/promises";

/**
 * Polls `probe` until it resolves true or `timeoutMs` passes; throws with `what` in the message.
 * A probe that throws counts as "not yet"; `failed` reports a cause that makes waiting pointless
 * (the server process died), so the wait ends at once with that error.
 */
export const waitFor = async (
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs = 60_000,
  everyMs = 200,
  failed: () => Error | null = () => null,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const failure = failed();
    if (failure !== null) throw failure;
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not become ready within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(everyMs);
  }
};
