import * as t from "io-ts";

/**
 * Refinements that keep the plain `number`/`string` type. Event data stays easy to build and
 * compare in tests, while a corrupt item (a fractional price, a lower-case currency) still
 * fails to decode at the store's edge.
 */
const refine = <A>(base: t.Type<A, A, unknown>, name: string, ok: (a: A) => boolean): t.Type<A, A, unknown> =>
  new t.Type<A, A, unknown>(
    name,
    (u): u is A => base.is(u) && ok(u),
    (u, c) => (base.is(u) && ok(u) ? t.success(u) : t.failure(u, c, `expected ${name}`)),
    t.identity,
  );

export const Int = refine(t.number, "an integer", Number.isSafeInteger);
/** Money is always an integer number of the currency's minor unit (cents), never a float. */
export const Cents = refine(t.number, "a non-negative integer of cents", (n) => Number.isSafeInteger(n) && n >= 0);
export const Quantity = refine(t.number, "a positive integer", (n) => Number.isSafeInteger(n) && n >= 1);
/** An ISO 4217 alphabetic code such as `EUR`; whether it is a real currency is a domain rule. */
export const Currency = refine(t.string, "a three-letter ISO 4217 currency code", (s) => /^[A-Z]{3}$/.test(s));
/** An ISO 3166-1 alpha-2 country code such as `DE`. */
export const CountryCode = refine(t.string, "a two-letter ISO 3166-1 country code", (s) => /^[A-Z]{2}$/.test(s));
export const NonEmptyString = refine(t.string, "a non-empty string", (s) => s.trim() !== "");
export const Stars = refine(t.number, "whole stars from 1 to 5", (n) => Number.isInteger(n) && n >= 1 && n <= 5);
/** Ids of books, orders and customers (ULIDs, Cognito subs): safe inside a stream id and a URL path. */
export const Id = refine(t.string, "an id of 1 to 128 letters, digits, '-' or '_'", (s) => /^[A-Za-z0-9_-]{1,128}$/.test(s));
