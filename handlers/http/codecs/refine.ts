import * as t from "io-ts";
import { withSchema } from "../json-schema-hints.js";

/** How wide a client must read an integer: JSON numbers past 32 bits need a 64-bit one. */
export const intFormat = (min: number, max: number): "int32" | "int64" => (min >= -(2 ** 31) && max < 2 ** 31 ? "int32" : "int64");

/** An integer within bounds, with a message a client can act on. */
export const intBetween = (name: string, min: number, max: number) =>
  withSchema(
    t.refinement(t.number, (n) => Number.isInteger(n) && n >= min && n <= max, name),
    { type: "integer", format: intFormat(min, max), minimum: min, maximum: max, description: `an integer from ${min} to ${max}` },
  );

/** A number (not only whole) within bounds: what a score or an average is. */
export const numberBetween = (name: string, min: number, max: number) =>
  withSchema(
    t.refinement(t.number, (n) => Number.isFinite(n) && n >= min && n <= max, name),
    { type: "number", format: "double", minimum: min, maximum: max, description: `a number from ${min} to ${max}` },
  );

/** A string matching a pattern, at most `maxLength` long; both are published in the OpenAPI document. */
export const matching = (name: string, pattern: RegExp, maxLength: number, extra: Record<string, unknown> = {}) =>
  withSchema(
    t.refinement(t.string, (s) => s.length <= maxLength && pattern.test(s), name),
    { type: "string", maxLength, pattern: pattern.source, ...extra },
  );

/**
 * A string the server writes and never reads back from a client (a view's field): the bound and
 * the shape are what the document promises, so no decoder needs them.
 */
export const written = (name: string, maxLength: number, extra: Record<string, unknown>) =>
  withSchema(t.refinement(t.string, (s) => s.length <= maxLength, name), { type: "string", maxLength, ...extra });

/** An array of at most `maxItems`; the bound is published, the items keep their own schema. */
export const upTo = <C extends t.Mixed>(codec: C, maxItems: number, name: string) =>
  withSchema(t.refinement(t.array(codec), (a) => a.length <= maxItems, name), { maxItems });

/** A timestamp as the API writes it: ISO 8601 in UTC (`2025-01-31T12:00:00.000Z`). */
export const Timestamp = written("Timestamp", 30, { format: "date-time" });

/** A timestamp a client sends: RFC 3339 (`2025-01-31T12:00:00Z`, an offset or fractions allowed), a real instant. */
const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
export const DateTimeInput = withSchema(
  t.refinement(t.string, (s) => s.length <= 35 && rfc3339.test(s) && !Number.isNaN(Date.parse(s)), "DateTime"),
  { type: "string", format: "date-time", maxLength: 35 },
);

/**
 * Text a person reads. A lone surrogate is no character at all (UTF-8 cannot encode it: a store or
 * search engine refuses or mangles it), control characters have no place in a title, and the
 * bidirectional overrides and isolates make text display other than it reads ("Trojan Source").
 * The right-to-left and left-to-right marks (U+200E, U+200F) stay: Hebrew and Arabic titles need them.
 */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const bidiControl = /[\u202A-\u202E\u2066-\u2069]/;
const controlInLine = /[\u0000-\u001F\u007F-\u009F]/;
const controlInLines = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** The characters `isReadable` refuses in a line, as a regular expression's class body (for the published schema). */
const UNREADABLE = "\\u0000-\\u001F\\u007F-\\u009F\\u202A-\\u202E\\u2066-\\u2069";
const READABLE = `[^${UNREADABLE}]`;

/** Readable text; `lines` lets tabs and line breaks through (a description), else none (a title). */
export const isReadable = (s: string, lines = false): boolean =>
  !loneSurrogate.test(s) && !bidiControl.test(s) && !(lines ? controlInLines : controlInLine).test(s);

/**
 * A string's length as JSON Schema's `maxLength` counts it: in characters (code points), not in
 * UTF-16 units, so a bound the document publishes is the bound the codec holds to (an emoji is one).
 */
const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** A trimmed, non-empty, readable string of bounded length. */
export const text = (name: string, maxLength: number) =>
  withSchema(
    t.refinement(t.string, (s) => s.trim().length > 0 && codePoints(s) <= maxLength && isReadable(s), name),
    // A pattern, not just minLength: a title of spaces is as empty as no title; and what
    // `isReadable` refuses: control characters and bidirectional overrides.
    { type: "string", minLength: 1, maxLength, pattern: `^${READABLE}*[^\\s${UNREADABLE}]${READABLE}*$` },
  );

/** Readable text of bounded length that may be empty (an optional second address line). */
export const readableUpTo = (name: string, maxLength: number) =>
  withSchema(t.refinement(t.string, (s) => codePoints(s) <= maxLength && isReadable(s), name), { type: "string", maxLength, pattern: `^${READABLE}*$` });

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
    { type: "integer", format: intFormat(min, max), minimum: min, maximum: max, description: `an integer from ${min} to ${max}` },
  );
};
