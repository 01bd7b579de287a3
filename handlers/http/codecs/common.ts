import * as t from "io-ts";
import { withSchema } from "../json-schema-hints.js";
import { MAX_TOTAL_CENTS } from "../../../domain/cart.js";
import { intBetween, intQuery, matching } from "./refine.js";
import { strict } from "./strict.js";

/** Ids the server made (ULIDs) or a client's own key; path-safe either way. */
export const Id = matching("Id", /^[A-Za-z0-9_-]{1,64}$/, 64, { description: "an id of 1-64 letters, digits, '-' or '_'" });
export const BookIdPath = strict("BookIdPath", { bookId: Id });

/** The ISO 4217 codes the runtime knows, the same list the catalogue's rule checks against. */
const currencies = Intl.supportedValuesOf("currency");
const known = new Set(currencies);
export const Currency = withSchema(t.refinement(t.string, (s) => known.has(s), "Currency"), {
  type: "string",
  enum: currencies,
  maxLength: 3,
  description: "an ISO 4217 code, e.g. EUR",
});
export const Cents = intBetween("Cents", 0, MAX_TOTAL_CENTS);
/** A price: whole cents, more than nothing, and no more than one payment may charge. */
export const PriceCents = intBetween("PriceCents", 1, MAX_TOTAL_CENTS);
/** A line's, a cart's or an order's total: the domain keeps each within one payment's limit. */
export const TotalCents = intBetween("TotalCents", 0, MAX_TOTAL_CENTS);
export const Money = t.type({ amountCents: Cents, currency: Currency }, "Money");

/** The request has no path parameters / no query string. */
export const NoPath = strict("NoPath", {});
export const NoQuery = strict("NoQuery", {});

/** What every command answers: the version it wrote, for read-your-writes on the query side. */
export const Version = intBetween("Version", 1, Number.MAX_SAFE_INTEGER);
export const CommandAccepted = t.type({ version: Version }, "CommandAccepted");
export type CommandAccepted = t.TypeOf<typeof CommandAccepted>;

/**
 * Read-your-writes: the stream version a command answered with. The query waits (briefly) until
 * its read model has reached it, else answers with `x-read-model-stale: true`.
 */
export const MinVersion = intQuery("MinVersion", 1, Number.MAX_SAFE_INTEGER);
export const MinVersionQuery = strict("MinVersionQuery", {}, { minVersion: MinVersion });
