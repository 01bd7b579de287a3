import { randomFillSync } from "node:crypto";
import { monotonicFactory, type PRNG } from "ulid";

/**
 * Cryptographic random bytes drawn from a buffer refilled 4 KB at a time: the ulid package's
 * default asks the system for one byte per character, sixteen calls per id.
 */
const bufferedRandom = (size = 4096): PRNG => {
  const bytes = new Uint8Array(size);
  let next = size;
  return () => {
    if (next === size) {
      randomFillSync(bytes);
      next = 0;
    }
    return (bytes[next++] as number) / 256;
  };
};

/** Monotonic ULIDs whose time part comes from `clock`, so an injected clock moves them too. */
export const eventIds = (clock: () => Date): (() => string) => {
  const mint = monotonicFactory(bufferedRandom());
  return () => mint(clock().getTime());
};
