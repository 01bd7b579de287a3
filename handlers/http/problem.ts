import { STATUS_CODES } from "node:http";
import type { Failure } from "./result.js";

/** One failing input, after RFC 9457's own example (`pointer` into the body, or a `parameter`). */
export interface FieldError {
  readonly in: "body" | "query" | "path" | "header";
  readonly pointer?: string;
  readonly parameter?: string;
  readonly detail: string;
}

/** RFC 9457 problem details, served as `application/problem+json`. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly FieldError[];
  readonly correlationId?: string;
  readonly [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json";
const typeUri = (slug: string): string => `urn:bookstore:problem:${slug}`;

export const problemTypes = {
  validation: typeUri("validation"),
  businessRule: typeUri("business-rule"),
  concurrency: typeUri("concurrency"),
  idempotencyMismatch: typeUri("idempotency-key-reused"),
} as const;

/** A problem that says no more than its status (RFC 9457 `about:blank`). */
export const problem = (status: number, detail: string, extra: Partial<Problem> = {}): Failure => ({
  status,
  problem: { type: "about:blank", title: STATUS_CODES[status] ?? "Error", status, detail, ...extra },
});

export const validationProblem = (errors: readonly FieldError[]): Failure =>
  problem(400, errors.map((e) => `${e.pointer ?? e.parameter ?? e.in}: ${e.detail}`).join("; "), {
    type: problemTypes.validation,
    title: "Invalid request",
    errors,
  });

/** What the domain and the store answer with when they refuse: a tagged error. */
export interface KindedError {
  readonly kind: string;
  readonly message?: string;
}

type Class = "not-found" | "idempotency-mismatch" | "concurrency" | "too-large" | "business-rule";

/**
 * The one mapping from an error's `kind` to HTTP. Known store kinds are listed; domain kinds
 * follow the naming convention (`...NotFound`, `...NotYours`, `IdempotencyKey...`), and any
 * other refusal of the domain is a business rule (409).
 */
const classOf = (kind: string): Class => {
  if (kind === "ConcurrencyError") return "concurrency";
  if (kind === "ItemTooLarge") return "too-large";
  if (/NotFound$|NotYours$/.test(kind)) return "not-found";
  if (/^Idempotency/.test(kind) || kind === "CommandIdReused") return "idempotency-mismatch";
  return "business-rule";
};

export const statusOfKind = (kind: string): number =>
  ({ "not-found": 404, "idempotency-mismatch": 422, concurrency: 409, "too-large": 413, "business-rule": 409 })[classOf(kind)];

export const problemForError = (error: KindedError): Failure => {
  const { kind, message, ...details } = error;
  switch (classOf(kind)) {
    case "not-found":
      // Not-yours answers exactly like not-found: a caller never learns that someone else's exists.
      return problem(404, "No such resource.");
    case "idempotency-mismatch":
      return problem(422, "This Idempotency-Key was already used with a different request.", {
        type: problemTypes.idempotencyMismatch,
        title: "Idempotency-Key reused",
      });
    case "concurrency":
      return problem(409, "The resource changed while the request ran; retry it.", {
        type: problemTypes.concurrency,
        title: "Concurrent change",
      });
    case "too-large":
      return problem(413, message ?? "The change is too large to store.");
    case "business-rule":
      return problem(409, message ?? kind, { type: problemTypes.businessRule, title: kind, kind, ...details });
  }
};
