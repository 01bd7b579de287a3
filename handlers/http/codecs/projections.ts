import * as t from "io-ts";

const ProjectionProgress = t.type(
  { eventId: t.string, type: t.string, streamId: t.string, version: t.number, occurredAt: t.string, appliedAt: t.string },
  "ProjectionProgress",
);

/** Where one projection stands: the newest event it applied, how far behind it ran, what it could not apply. */
export const ProjectionStatus = t.intersection(
  [
    t.type({ projection: t.string, version: t.number, deadLetters: t.number }),
    t.partial({ lastEvent: ProjectionProgress, lagMs: t.number, sinceLastEventMs: t.number }),
  ],
  "ProjectionStatus",
);
export const ProjectionStatuses = t.type({ items: t.array(ProjectionStatus) }, "ProjectionStatuses");
