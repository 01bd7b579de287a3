import type * as t from "io-ts";

/** A JSON Schema fragment (2020-12, as OpenAPI 3.1 uses it). */
export type JsonSchema = { readonly [keyword: string]: unknown };

/**
 * A refinement's predicate cannot be read back, so the constraints it enforces are told to the
 * OpenAPI generator here, next to the codec that enforces them.
 */
const hints = new WeakMap<t.Any, JsonSchema>();

export const withSchema = <C extends t.Any>(codec: C, schema: JsonSchema): C => {
  hints.set(codec, { ...hints.get(codec), ...schema });
  return codec;
};

export const schemaHintFor = (codec: t.Any): JsonSchema | undefined => hints.get(codec);
