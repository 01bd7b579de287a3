import * as t from "io-ts";
import { intQuery, matching } from "./refine.js";
import { strict } from "./strict.js";

/** `<aggregate>#<id>`; the `#` arrives percent-encoded in the path and API Gateway decodes it. */
export const StreamIdPath = strict("StreamIdPath", { streamId: matching("StreamIdParam", /^[a-z][a-zA-Z0-9-]*#[A-Za-z0-9_.-]{1,200}$/) });
export const StreamEventsQuery = strict("StreamEventsQuery", {}, {
  fromVersion: intQuery("FromVersion", 1, Number.MAX_SAFE_INTEGER),
  limit: intQuery("EventLimit", 1, 1000),
});

export const EventEnvelopeView = t.type(
  {
    eventId: t.string,
    type: t.string,
    schemaVersion: t.number,
    streamId: t.string,
    version: t.number,
    occurredAt: t.string,
    data: t.unknown,
    meta: t.type({ correlationId: t.string, causationId: t.string, actor: t.string, commandId: t.string }),
  },
  "EventEnvelopeView",
);
/** `nextFromVersion`: where the next page starts, when there is one. */
export const StreamEvents = t.intersection(
  [t.type({ streamId: t.string, events: t.array(EventEnvelopeView) }), t.partial({ nextFromVersion: t.number })],
  "StreamEvents",
);
