import type { StreamId } from "../events/index.js";

/**
 * The highest version this process has seen exist, per stream. Events are never deleted, so a
 * version seen once exists for good: an append whose expected version is at or below it needs
 * no check that the stream has reached that version. Bounded, least recently used first out.
 */
export interface KnownVersions {
  get(streamId: StreamId): number;
  saw(streamId: StreamId, version: number): void;
}

export const knownVersions = (capacity = 10_000): KnownVersions => {
  const seen = new Map<StreamId, number>();
  return {
    get: (streamId) => seen.get(streamId) ?? 0,
    saw: (streamId, version) => {
      const before = seen.get(streamId) ?? 0;
      seen.delete(streamId);
      seen.set(streamId, Math.max(before, version));
      if (seen.size > capacity) seen.delete(seen.keys().next().value as StreamId);
    },
  };
};
