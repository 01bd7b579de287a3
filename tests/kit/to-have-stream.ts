import { isLeft } from "fp-ts/lib/Either.js";
import { expect } from "vitest";
import type { DomainEvent, StreamId } from "../../events/index.js";
import type { EventStore } from "../../store/index.js";

/**
 * `await expect(store).toHaveStream(streamId, [event(...), ...])`: the stream holds exactly
 * these events (type and data, in order), read back from the real store. Envelope fields
 * (ids, times, meta) are left out, since tests do not control them; asymmetric matchers such
 * as `expect.any(String)` work inside `data`.
 */
export interface StreamMatchers<R = unknown> {
  toHaveStream(streamId: StreamId | string, events: readonly Pick<DomainEvent, "type" | "data">[]): Promise<R>;
}

declare module "vitest" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Assertion<T = any> extends StreamMatchers<T> {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AsymmetricMatchersContaining extends StreamMatchers {}
}

expect.extend({
  async toHaveStream(store: EventStore, streamId: StreamId, expected: readonly Pick<DomainEvent, "type" | "data">[]) {
    const loaded = await store.loadStream(streamId);
    if (isLeft(loaded)) {
      return { pass: false, message: () => `stream ${streamId} could not be read: ${loaded.left.reason}` };
    }
    const actual = loaded.right.events.map(({ type, data }) => ({ type, data }));
    const wanted = expected.map(({ type, data }) => ({ type, data }));
    const pass = this.equals(actual, wanted);
    return {
      pass,
      actual,
      expected: wanted,
      message: () =>
        pass
          ? `expected stream ${streamId} not to hold these ${wanted.length} events`
          : `expected stream ${streamId} to hold ${wanted.length} events, it holds ${actual.length}:\n${this.utils.diff(wanted, actual) ?? ""}`,
    };
  },
});
