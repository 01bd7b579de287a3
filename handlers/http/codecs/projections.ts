import * as t from "io-ts";
import { EventType } from "./streams.js";
import { matching, Timestamp, upTo, written } from "./refine.js";

const EventId = matching("ProgressEventId", /^[0-9A-HJKMNP-TV-Z]{26}$/, 26, { description: "a ULID" });
const StreamId = written("ProgressStreamId", 264, { pattern: "^[a-z][a-zA-Z0-9-]*#" });
/** A projection's name in the registry: kebab case. */
const ProjectionName = matching("ProjectionName", /^[a-z][a-z0-9-]{0,62}$/, 63);

const ProjectionProgress = t.type(
  { eventId: EventId, type: EventType, streamId: StreamId, version: t.number, occurredAt: Timestamp, appliedAt: Timestamp },
  "ProjectionProgress",
);

/** Where one projection stands: the newest event it applied, how far behind it ran, what it could not apply. */
export const ProjectionStatus = t.intersection(
  [
    t.type({ projection: ProjectionName, version: t.number, deadLetters: t.number }),
    t.partial({ lastEvent: ProjectionProgress, lagMs: t.number, sinceLastEventMs: t.number }),
  ],
  "ProjectionStatus",
);
/** One per projection of the registry, which is far smaller than this bound. */
export const ProjectionStatuses = t.type({ items: upTo(ProjectionStatus, 100, "ProjectionStatusItems") }, "ProjectionStatuses");
