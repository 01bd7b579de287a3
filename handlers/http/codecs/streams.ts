import * as t from "io-ts";
import { intBetween, intQuery, matching, Timestamp, upTo, written } from "./refine.js";
import { strict } from "./strict.js";

/** `<aggregate>#<id>`; the `#` arrives percent-encoded in the path and API Gateway decodes it. */
const StreamId = matching("StreamIdParam", /^[a-z][a-zA-Z0-9-]*#[A-Za-z0-9_.-]{1,200}$/, 264);
export const StreamIdPath = strict("StreamIdPath", { streamId: StreamId });
/** The events a page holds at most (the `limit` parameter's bound). */
const MAX_EVENTS = 1000;
const EventId = matching("EventId", /^[0-9A-HJKMNP-TV-Z]{26}$/, 26, { description: "a ULID" });
export const EventType = matching("EventType", /^[A-Z][A-Za-z0-9]{0,63}$/, 64);
/** Written by the service that raised the event: a correlation or command id, an actor's name. */
const MetaId = written("MetaId", 512, { pattern: "^[\\x21-\\x7e]+$" });
export const StreamEventsQuery = strict("StreamEventsQuery", {}, {
  fromVersion: intQuery("FromVersion", 1, Number.MAX_SAFE_INTEGER),
  limit: intQuery("EventLimit", 1, MAX_EVENTS),
});

export const EventEnvelopeView = t.type(
  {
    eventId: EventId,
    type: EventType,
    schemaVersion: intBetween("SchemaVersion", 1, 1000),
    streamId: StreamId,
    version: intBetween("StreamVersion", 1, Number.MAX_SAFE_INTEGER),
    occurredAt: Timestamp,
    data: t.unknown,
    meta: t.type({ correlationId: MetaId, causationId: MetaId, actor: MetaId, commandId: MetaId }),
  },
  "EventEnvelopeView",
);
/** `nextFromVersion`: where the next page starts, when there is one. */
export const StreamEvents = t.intersection(
  [t.type({ streamId: StreamId, events: upTo(EventEnvelopeView, MAX_EVENTS, "EventPage") }), t.partial({ nextFromVersion: intBetween("NextFromVersion", 1, Number.MAX_SAFE_INTEGER) })],
  "StreamEvents",
);
