import * as t from "io-ts";
import { type Either, left, right, isLeft } from "fp-ts/lib/Either.js";

/**
 * One event type's schema history. `versions[n]` decodes schema version n; `upcast[n]`
 * turns a decoded version n into version n + 1. Only the newest version is ever handed on.
 */
export interface EventSchema<Type extends string, Data> {
  readonly type: Type;
  readonly current: number;
  readonly versions: Readonly<Record<number, t.Decoder<unknown, unknown>>>;
  readonly upcast: Readonly<Record<number, (older: never) => unknown>>;
  readonly codec: t.Type<Data, unknown, unknown>;
}

export type UpcastError =
  | { readonly kind: "UnknownSchemaVersion"; readonly type: string; readonly schemaVersion: number }
  | { readonly kind: "InvalidPayload"; readonly type: string; readonly schemaVersion: number; readonly errors: t.Errors };

/** Decodes `data` written at `schemaVersion` and upcasts it step by step to the current version. */
export const upcastTo = <Type extends string, Data>(
  schema: EventSchema<Type, Data>,
  schemaVersion: number,
  data: unknown,
): Either<UpcastError, Data> => {
  const decoder = schema.versions[schemaVersion];
  if (decoder === undefined || schemaVersion > schema.current) {
    return left({ kind: "UnknownSchemaVersion", type: schema.type, schemaVersion });
  }
  const decoded = decoder.decode(data);
  if (isLeft(decoded)) return left({ kind: "InvalidPayload", type: schema.type, schemaVersion, errors: decoded.left });
  let value: unknown = decoded.right;
  for (let v = schemaVersion; v < schema.current; v++) {
    const step = schema.upcast[v];
    if (step === undefined) return left({ kind: "UnknownSchemaVersion", type: schema.type, schemaVersion: v });
    value = step(value as never);
  }
  // The upcast result is checked against the newest codec, so a faulty upcaster cannot slip bad data in.
  const current = schema.codec.decode(value);
  return isLeft(current)
    ? left({ kind: "InvalidPayload", type: schema.type, schemaVersion: schema.current, errors: current.left })
    : right(current.right);
};

/** A schema with a single version, the common case. */
export const schema = <Type extends string, Data>(type: Type, codec: t.Type<Data, unknown, unknown>): EventSchema<Type, Data> => ({
  type,
  current: 1,
  versions: { 1: codec },
  upcast: {},
  codec,
});
