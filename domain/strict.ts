import * as t from "io-ts";

/**
 * An object codec that refuses unknown fields. `t.exact` only strips them; a storefront client
 * that sends `unitPriceCents` or `customerId` must get an error naming the field instead.
 */
export const strict = <R extends t.Props, O extends t.Props = Record<never, never>>(
  required: R,
  optional?: O,
  name?: string,
) => {
  const shape = t.exact(t.intersection([t.type(required), t.partial(optional ?? ({} as O))]), name);
  const known = new Set([...Object.keys(required), ...Object.keys(optional ?? {})]);
  return new t.Type<t.TypeOf<typeof shape>, t.OutputOf<typeof shape>, unknown>(
    shape.name,
    (u): u is t.TypeOf<typeof shape> => shape.is(u) && Object.keys(u as object).every((k) => known.has(k)),
    (u, c) => {
      if (typeof u === "object" && u !== null && !Array.isArray(u)) {
        const unknown = Object.keys(u).filter((k) => !known.has(k));
        if (unknown.length > 0) {
          return t.failures(
            unknown.map((key) => ({
              value: (u as Record<string, unknown>)[key],
              context: [...c, { key, type: t.never, actual: (u as Record<string, unknown>)[key] }],
              message: `unknown field "${key}"`,
            })),
          );
        }
      }
      return shape.validate(u, c);
    },
    shape.encode,
  );
};
