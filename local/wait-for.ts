import { setTimeout as sleep } from "node:timers/promises";

/** Polls `probe` until it resolves true or `timeoutMs` passes; throws with `what` in the message. */
export const waitFor = async (what: string, probe: () => Promise<boolean>, timeoutMs = 60_000, everyMs = 200): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not become ready within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(everyMs);
  }
};
