import type { DomainError } from "../../domain/errors.js";
import type { AppendError, StoredItemDecodeError } from "../../store/index.js";

export interface IdempotencyKeyReused {
  readonly kind: "IdempotencyKeyReused";
  readonly commandId: string;
  readonly message: string;
}

/** What a command can answer instead of success; HTTP maps each `kind` in one place. */
export type CommandError = DomainError | AppendError | StoredItemDecodeError | IdempotencyKeyReused;
