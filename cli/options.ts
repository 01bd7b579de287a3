import { InvalidArgumentError } from "commander";
import { isEventType, type EventType } from "../events/index.js";
import { projections, type Projection, type ProjectionPorts } from "../projections/index.js";

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** `--from`/`--to`: an ISO time or an event id (ULID), as `readAll` takes them. */
export const timeBound = (value: string): string => {
  if (ULID.test(value)) return value;
  if (ISO.test(value) && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
  throw new InvalidArgumentError("expected an ISO time (2024-05-01 or 2024-05-01T12:00:00Z) or an event id (ULID)");
};

/** A calendar day, `yyyy-mm-dd`. */
export const day = (value: string): string => {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))) return value;
  throw new InvalidArgumentError("expected a day as yyyy-mm-dd");
};

export const eventTypeList = (value: string): EventType[] => {
  const types = value.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const unknown = types.filter((t) => !isEventType(t));
  if (types.length === 0 || unknown.length > 0) throw new InvalidArgumentError(`unknown event type(s): ${unknown.join(", ") || "(none given)"}`);
  return types as EventType[];
};

export const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a whole number of at least 1");
  return n;
};

export const projectionNames = (): string[] => projections.map((p) => p.name);

export const projectionNamed = (name: string): Projection<ProjectionPorts> => {
  const found = projections.find((p) => p.name === name);
  if (found === undefined) throw new InvalidArgumentError(`no projection "${name}"; the projections are: ${projectionNames().join(", ")}`);
  return found;
};
