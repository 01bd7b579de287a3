import * as t from "io-ts";

const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/**
 * An object codec that refuses fields it does not name. `t.exact` only strips them, which would
 * let a client believe it had set a price or an owner (mass assignment); here they fail to decode.
 * It stays an `ExactType`, so the OpenAPI generator reads its props as usual.
 */
export const strict = <R extends t.Props, O extends t.Props = Record<never, never>>(
  name: string,
  required: R,
  optional?: O,
) => {
  const inner = t.intersection([t.type(required), t.partial(optional ?? ({} as O))]);
  const exact = t.exact(inner);
  const known = new Set([...Object.keys(required), ...Object.keys(optional ?? {})]);
  return new t.ExactType<typeof inner, t.TypeOf<typeof exact>, t.OutputOf<typeof exact>, unknown>(
    name,
    exact.is,
    (u, c) => {
      if (typeof u === "object" && u !== null && !Array.isArray(u)) {
        const unknownKeys = Object.keys(u).filter((k) => !known.has(k) && has(u, k));
        if (unknownKeys.length > 0) {
          const others = exact.validate(u, c);
          return t.failures([
            ...unknownKeys.map((k) => ({
              value: (u as Record<string, unknown>)[k],
              context: [...c, { key: k, type: t.never, actual: (u as Record<string, unknown>)[k] }],
              message: "unknown field",
            })),
            ...(others._tag === "Left" ? others.left : []),
          ]);
        }
      }
      return exact.validate(u, c);
    },
    exact.encode,
    inner,
  );
};
