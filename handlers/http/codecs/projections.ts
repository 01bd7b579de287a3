import * as t from "io-ts";
import { EventType } from "./streams.js";
import { intBetween, matching, Timestamp, upTo, written } from "./refine.js";

const EventId = matching("ProgressEventId", /^[0-9A-HJKMNP-TV-Z]{26}$/, 26, { description: "a ULID" });
const StreamId = written("ProgressStreamId", 264, { pattern: "^[a-z][a-zA-Z0-9-]*#" });
/** A projection's name in the registry: kebab case. */
const ProjectionName = matching("ProjectionName", /^[a-z][a-z0-9-]{0,62}$/, 63);
const Whole = (name: string, min: number) => intBetween(name, min, Number.MAX_SAFE_INTEGER);

const ProjectionProgress = t.type(
  { eventId: EventId, type: EventType, streamId: StreamId, version: Whole("StreamVersion", 1), occurredAt: Timestamp, appliedAt: Timestamp },
  "ProjectionProgress",
);

/** Where one projection stands: the newest event it applied, how far behind it ran, what it could not apply. */
export const ProjectionStatus = t.intersection(
  [
    t.type({ projection: ProjectionName, version: Whole("ProjectionVersion", 1), deadLetters: Whole("DeadLetters", 0) }),
    // Both are clamped at zero where they are computed (clocks of two machines may disagree).
    t.partial({ lastEvent: ProjectionProgress, lagMs: Whole("LagMs", 0), sinceLastEventMs: Whole("SinceLastEventMs", 0) }),
  ],
  "ProjectionStatus",
);
/** One per projection of the registry, which is far smaller than this bound. */
export const ProjectionStatuses = t.type({ items: upTo(ProjectionStatus, 100, "ProjectionStatusItems") }, "ProjectionStatuses");
