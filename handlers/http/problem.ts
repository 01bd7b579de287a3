import { STATUS_CODES } from "node:http";
import { commandErrorKinds, type CommandErrorClass } from "../commands/errors.js";
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
  malformedJson: typeUri("malformed-json"),
  unacceptableJson: typeUri("unacceptable-json"),
  limitExceeded: typeUri("limit-exceeded"),
  missingInformation: typeUri("missing-information"),
  preconditionFailed: typeUri("precondition-failed"),
} as const;

/** A problem that says no more than its status (RFC 9457 `about:blank`). */
export const problem = (status: number, detail: string, extra: Partial<Problem> = {}): Failure => ({
  status,
  problem: { type: "about:blank", title: STATUS_CODES[status] ?? "Error", status, detail, ...extra },
});

/** A refusal lists this many failing fields at most, so its size does not grow with the request's. */
export const MAX_LISTED_ERRORS = 20;

export const validationProblem = (all: readonly FieldError[]): Failure => {
  const errors = all.slice(0, MAX_LISTED_ERRORS);
  const more = all.length > errors.length ? `; and ${all.length - errors.length} more` : "";
  return problem(400, errors.map((e) => `${e.pointer ?? e.parameter ?? e.in}: ${e.detail}`).join("; ") + more, {
    type: problemTypes.validation,
    title: "Invalid request",
    errors,
  });
};

/** What the domain and the store answer with when they refuse: a tagged error. */
export interface KindedError {
  readonly kind: string;
  readonly message?: string;
  readonly field?: unknown;
}

type Class = CommandErrorClass;

/** Kinds outside the command union (other handlers' own refusals) follow the naming convention. */
const infoOf = (kind: string): { readonly class: Class; readonly field?: string } => {
  const known = (commandErrorKinds as Record<string, { readonly class: Class; readonly field?: string } | undefined>)[kind];
  if (known !== undefined) return known;
  if (/NotFound$|NotYours$/.test(kind)) return { class: "not-found" };
  if (/^Idempotency/.test(kind)) return { class: "idempotency-mismatch" };
  return { class: "conflict" };
};
const classOf = (kind: string): Class => infoOf(kind).class;
/** The field an error is about: its own `field` when it has one, else its kind's. */
const fieldOf = (error: KindedError): string | undefined => (typeof error.field === "string" ? error.field : infoOf(error.kind).field);

const statuses: Record<Class, number> = {
  invalid: 400,
  limit: 422,
  incomplete: 422,
  "not-found": 404,
  "idempotency-mismatch": 422,
  concurrency: 409,
  "too-large": 413,
  conflict: 409,
  precondition: 412,
  fault: 500,
};

export const statusOfKind = (kind: string): number => statuses[classOf(kind)];

/**
 * The one mapping from a refusal to HTTP. A value the codec let through but a domain rule refuses
 * (an ISBN with a wrong check digit) is a 400 like any failing field: the client must fix its input.
 */
export const problemForError = (error: KindedError): Failure => {
  const { kind, message, ...details } = error;
  switch (classOf(kind)) {
    case "invalid": {
      const field = fieldOf(error);
      const errors: FieldError[] = field === undefined ? [] : [{ in: "body", pointer: `#/${field}`, detail: message ?? kind }];
      return problem(400, message ?? kind, { type: problemTypes.validation, title: "Invalid request", kind, ...(errors.length > 0 ? { errors } : {}) });
    }
    case "limit":
      // Well-formed and each value in bounds, but together past a published limit: fixing one
      // field will not do, so it is no 400; nor is it a clash with someone else's change (409).
      return problem(422, message ?? kind, { type: problemTypes.limitExceeded, title: "Limit exceeded", kind, ...details });
    case "incomplete": {
      // Every field sent is fine, but one the request cannot do without is missing, and the
      // shop has nothing to fill it in from (for an address: no default on file).
      const field = fieldOf(error);
      const errors: FieldError[] = field === undefined ? [] : [{ in: "body", pointer: `#/${field}`, detail: message ?? kind }];
      return problem(422, message ?? kind, { type: problemTypes.missingInformation, title: "Missing information", kind, ...(errors.length > 0 ? { errors } : {}) });
    }
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
    case "precondition":
      // Another writer changed it since the caller read it: read again, then decide again.
      return problem(412, message ?? kind, { type: problemTypes.preconditionFailed, title: "Precondition failed", kind, ...details });
    case "too-large":
      return problem(413, message ?? "The change is too large to store.");
    case "fault":
      // What the store could not read says nothing a client can act on; the log has it.
      return problem(500, "Something went wrong on our side.");
    case "conflict":
      return problem(409, message ?? kind, { type: problemTypes.businessRule, title: kind, kind, ...details });
  }
};
