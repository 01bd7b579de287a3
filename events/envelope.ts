import * as t from "io-ts";

/** A ULID: 26 Crockford base-32 characters; sorts by time of creation. */
export interface UlidBrand { readonly Ulid: unique symbol }
export const Ulid = t.brand(t.string, (s): s is t.Branded<string, UlidBrand> => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(s), "Ulid");
export type Ulid = t.TypeOf<typeof Ulid>;

/** `<aggregate>#<id>`, e.g. `book#01J...`; the partition key of an event item. */
export interface StreamIdBrand { readonly StreamId: unique symbol }
export const StreamId = t.brand(t.string, (s): s is t.Branded<string, StreamIdBrand> => /^[a-z][a-zA-Z0-9-]*#.+$/.test(s), "StreamId");
export type StreamId = t.TypeOf<typeof StreamId>;

export const streamId = (aggregate: string, id: string): StreamId => `${aggregate}#${id}` as StreamId;
export const aggregateOf = (id: StreamId): string => id.slice(0, id.indexOf("#"));
export const idOf = (id: StreamId): string => id.slice(id.indexOf("#") + 1);

export interface PositiveIntBrand { readonly PositiveInt: unique symbol }
export const PositiveInt = t.brand(t.number, (n): n is t.Branded<number, PositiveIntBrand> => Number.isInteger(n) && n >= 1, "PositiveInt");

export interface IsoTimeBrand { readonly IsoTime: unique symbol }
export const IsoTime = t.brand(
  t.string,
  (s): s is t.Branded<string, IsoTimeBrand> => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(s) && !Number.isNaN(Date.parse(s)),
  "IsoTime",
);

export const EventMeta = t.type({
  correlationId: t.string,
  causationId: t.string,
  actor: t.string,
  commandId: t.string,
});
export type EventMeta = t.TypeOf<typeof EventMeta>;

/** The envelope as stored, before its `data` is decoded against the catalogue. */
export const RawEnvelope = t.type({
  eventId: Ulid,
  type: t.string,
  schemaVersion: PositiveInt,
  streamId: StreamId,
  version: PositiveInt,
  occurredAt: IsoTime,
  data: t.unknown,
  meta: EventMeta,
});
export type RawEnvelope = t.TypeOf<typeof RawEnvelope>;

/** A decoded event: what a decider or projection sees, always at the newest schema version. */
export type Envelope<E extends { type: string; data: unknown }> = Omit<RawEnvelope, "type" | "data"> & E;
