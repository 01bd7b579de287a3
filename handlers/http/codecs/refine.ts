import * as t from "io-ts";
import { withSchema } from "../json-schema-hints.js";

/** An integer within bounds, with a message a client can act on. */
export const intBetween = (name: string, min: number, max: number) =>
  withSchema(
    t.refinement(t.number, (n) => Number.isInteger(n) && n >= min && n <= max, name),
    { type: "integer", minimum: min, maximum: max, description: `an integer from ${min} to ${max}` },
  );

/** A string matching a pattern; the same pattern is published in the OpenAPI document. */
export const matching = (name: string, pattern: RegExp, extra: Record<string, unknown> = {}) =>
  withSchema(
    t.refinement(t.string, (s) => pattern.test(s), name),
    { type: "string", pattern: pattern.source, ...extra },
  );

/** A trimmed, non-empty string of bounded length. */
export const text = (name: string, maxLength: number) =>
  withSchema(
    t.refinement(t.string, (s) => s.trim().length > 0 && s.length <= maxLength, name),
    // A pattern, not just minLength: a title of spaces is as empty as no title.
    { type: "string", minLength: 1, maxLength, pattern: "\\S" },
  );

/**
 * An integer sent as text (query strings are text), within bounds. A codec of its own, so the
 * bounds published for one parameter cannot leak onto another sharing `IntFromString`.
 */
export const intQuery = (name: string, min: number, max: number) => {
  const bounded = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= min && n <= max;
  return withSchema(
    new t.Type<number, string, unknown>(
      name,
      bounded,
      (u, c) => {
        const n = typeof u === "string" && /^-?\d{1,16}$/.test(u) ? Number(u) : Number.NaN;
        return bounded(n) ? t.success(n) : t.failure(u, c);
      },
      String,
    ),
    { type: "integer", minimum: min, maximum: max, description: `an integer from ${min} to ${max}` },
  );
};
