import * as t from "io-ts";
import { type Either, chain, left, mapLeft, right } from "fp-ts/lib/Either.js";
import { pipe } from "fp-ts/lib/function.js";
import { catalogue, decodeEvent, describeDecodeError, describeErrors, RawEnvelope, type StoredEvent } from "../events/index.js";
import { keys } from "./tables.js";
import { bucketKey, hourOfId, shardOf } from "./time-buckets.js";
import type { StoredItemDecodeError } from "./types.js";

/** What a stream subscription filters on: only `event` items are events. */
export type ItemKind = "event" | "command" | "bucket" | "snapshot" | "counter";

/** The item of one event: its envelope, its keys and its place in the time-bucket index. */
export const eventItem = (event: StoredEvent, shards: number): Record<string, unknown> => ({
  [keys.pk]: event.streamId,
  [keys.sk]: event.version,
  kind: "event" satisfies ItemKind,
  [keys.byTime.pk]: bucketKey(hourOfId(event.eventId), shardOf(event.eventId, shards)),
  [keys.byTime.sk]: event.eventId,
  eventId: event.eventId,
  type: event.type,
  schemaVersion: event.schemaVersion,
  streamId: event.streamId,
  version: event.version,
  occurredAt: event.occurredAt,
  data: catalogue[event.type].codec.encode(event.data as never),
  meta: event.meta,
});

/** The envelope without the item's keys and index attributes. */
const StoredEnvelope = t.exact(RawEnvelope);

const broken = (item: Record<string, unknown>, reason: string, cause?: StoredItemDecodeError["cause"]): StoredItemDecodeError => ({
  kind: "StoredItemDecodeError",
  pk: String(item[keys.pk]),
  sk: typeof item[keys.sk] === "number" ? (item[keys.sk] as number) : String(item[keys.sk]),
  reason,
  ...(cause === undefined ? {} : { cause }),
});

/**
 * Decodes an unmarshalled event item (from a read or a stream record's NEW_IMAGE) into an
 * event at its newest schema version. Never throws: a broken item is a typed error.
 */
export const decodeEventItem = (item: Record<string, unknown>): Either<StoredItemDecodeError, StoredEvent> =>
  pipe(
    StoredEnvelope.decode(item),
    mapLeft((errors) => broken(item, `not an event envelope: ${describeErrors(errors)}`)),
    chain((raw) =>
      raw.streamId === item[keys.pk] && raw.version === item[keys.sk]
        ? right(raw)
        : left(broken(item, `envelope says ${raw.streamId} v${raw.version}, its key says otherwise`)),
    ),
    chain((raw) => pipe(decodeEvent(raw), mapLeft((e) => broken(item, describeDecodeError(e), e)))),
  );
