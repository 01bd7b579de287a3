import { isLeft } from "fp-ts/lib/Either.js";
import type { StoredEvent, StreamId } from "../../../events/index.js";
import { StreamEvents, StreamEventsQuery, StreamIdPath } from "../codecs/streams.js";
import { problem } from "../problem.js";
import { ok } from "../result.js";
import { type AnyRoute, defineRoute } from "../route.js";
import type { Runtime } from "../runtime.js";

const DEFAULT_LIMIT = 100;

/** The raw events of one stream, in order, a page at a time (a bestseller's inventory runs long). */
export const streamEventsRoute = (runtime: () => Runtime): AnyRoute =>
  defineRoute({
    operationId: "getStreamEvents",
    method: "GET",
    path: "/streams/{streamId}/events",
    auth: "admin",
    summary: "The events of one stream, in version order (e.g. order#01J...)",
    tags: ["operations"],
    request: { path: StreamIdPath, query: StreamEventsQuery },
    response: { status: 200, codec: StreamEvents },
    handler: async ({ path, query }) => {
      const limit = query.limit ?? DEFAULT_LIMIT;
      const streamId = path.streamId as StreamId;
      const events: StoredEvent[] = [];
      let more = false;
      for await (const read of runtime().store.readStream(streamId, { fromVersion: query.fromVersion ?? 1, pageSize: limit + 1 })) {
        if (isLeft(read)) throw new Error(`stored item ${read.left.pk}/${String(read.left.sk)} does not decode: ${read.left.reason}`);
        if (events.length === limit) {
          more = true;
          break;
        }
        events.push(read.right);
      }
      if (events.length === 0 && (await runtime().store.streamVersion(streamId)) === 0) return problem(404, "No such resource.");
      const last = events[events.length - 1];
      return ok({ streamId, events, ...(more && last !== undefined ? { nextFromVersion: last.version + 1 } : {}) });
    },
  });
