import type { PaymentGateway } from "../../domain/payment-gateway.js";
import type { EventStore, SnapshotStore } from "../../store/index.js";

/** Everything command handling touches outside itself, injected so tests and benches control it. */
export interface CommandDeps {
  readonly store: EventStore;
  readonly snapshots: SnapshotStore;
  readonly payments: PaymentGateway;
  readonly clock: () => Date;
  readonly newId: () => string;
  /** Jitter for retry backoff; `Math.random` outside tests. */
  readonly random: () => number;
  /** Re-decide after a concurrency conflict at most this many times (default 8). */
  readonly maxAttempts?: number;
  /** Write a snapshot when a stream passes a multiple of this many events (default 100; 0 turns snapshots off). */
  readonly snapshotEvery?: number;
  /** Charge attempts per payment before leaving it pending for a later retry (default 3). */
  readonly chargeAttempts?: number;
  /**
   * Told of every retry a command makes: `version` when it decides again after a stream moved
   * on, `transaction-conflict` when DynamoDB cancelled a transaction that overlapped another one
   * and it is sent again unchanged. For benchmarks and metrics.
   */
  readonly onRetry?: (reason: "version" | "transaction-conflict") => void;
  /**
   * Told when a request could not finish what follows from it (an order's stock, a refund): the
   * order process finishes it from the stream, so the request still succeeds.
   */
  readonly onDeferred?: (error: unknown) => void;
  /** Where failures of off-the-hot-path work (snapshots) are reported; they never fail a command. */
  readonly onBackgroundError?: (error: unknown) => void;
}

/** Who sent a command and under which id; becomes every event's `meta`. */
export interface CommandMeta {
  readonly actor: string;
  readonly correlationId: string;
  /** The client's `Idempotency-Key`, when it sent one: a repeat answers the first result. */
  readonly commandId?: string;
  /** A fingerprint of the request, so a reused key with another request is told apart. */
  readonly requestHash?: string;
  readonly causationId?: string;
  /**
   * True for a step whose decision makes a repeat a no-op by itself (settling an order, recording
   * a charge's outcome): it writes no idempotency record, which spares a transaction when it
   * writes one stream.
   */
  readonly idempotentByState?: boolean;
  /**
   * The versions the caller last saw (`If-Match`), by stream id: the command runs only while
   * those streams are still there, and is refused as `PreconditionFailed` once one has moved on.
   */
  readonly expectedVersions?: Readonly<Record<string, number>>;
}
