import { domainErrorKinds, type DomainError } from "../../domain/errors.js";
import { storeErrorKinds, type AppendError, type StoredItemDecodeError } from "../../store/index.js";

export interface IdempotencyKeyReused {
  readonly kind: "IdempotencyKeyReused";
  readonly commandId: string;
  readonly message: string;
}

/** The caller made its command conditional on a stream's version (`If-Match`), and the stream has moved on. */
export interface PreconditionFailed {
  readonly kind: "PreconditionFailed";
  readonly streamId: string;
  readonly expectedVersion: number;
  readonly currentVersion: number;
  readonly message: string;
}

/** What a command can answer instead of success. */
export type CommandError = DomainError | AppendError | StoredItemDecodeError | IdempotencyKeyReused | PreconditionFailed;

/**
 * How a caller should treat every kind a command can answer with: each layer declares its own
 * kinds where it defines them (`Record`s over their unions, so a kind without a class fails to
 * compile there), and HTTP derives a status from the class alone.
 */
export const commandErrorKinds = {
  ...domainErrorKinds,
  ...storeErrorKinds,
  IdempotencyKeyReused: { class: "idempotency-mismatch" },
  PreconditionFailed: { class: "precondition" },
} as const satisfies Record<CommandError["kind"], { readonly class: string; readonly field?: string }>;

export type CommandErrorClass = (typeof commandErrorKinds)[CommandError["kind"]]["class"];
