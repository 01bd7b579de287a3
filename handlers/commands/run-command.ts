import { type Either, isLeft, left, right } from "fp-ts/lib/Either.js";
import { setTimeout as sleep } from "node:timers/promises";
import type { DomainEvent, EventMeta, StreamId } from "../../events/index.js";
import type { ConcurrencyError, CounterChange, DuplicateCommand, StreamAppend } from "../../store/index.js";
import type { CommandDeps, CommandMeta } from "./deps.js";
import type { CommandError } from "./errors.js";
import { type Loaded, snapshotAfter } from "./load.js";

export interface Change {
  readonly loaded: Loaded<unknown>;
  readonly events: readonly DomainEvent[];
}
/** Pairs a loaded stream with its new events; the state's type is not needed past this point. */
export const change = <S>(loaded: Loaded<S>, events: readonly DomainEvent[]): Change => ({
  loaded: loaded as unknown as Loaded<unknown>,
  events,
});

/** What a command decided: new events per loaded stream, and the answer to give (stored for repeats). */
export interface Plan<R> {
  readonly changes: readonly Change[];
  /** Counters changed in the same transaction (a book's stock with its stock events). */
  readonly counters?: readonly CounterChange[];
  readonly result: R;
}

export interface CommandOutcome<R> {
  readonly result: R;
  /** The new version of every stream written, keyed by stream id. */
  readonly versions: Readonly<Record<string, number>>;
  /** True when this answer is the stored one of an earlier run of the same command id. */
  readonly duplicate: boolean;
}

export interface Runner {
  run<R>(meta: CommandMeta, decide: () => Promise<Either<CommandError, Plan<R>>>): Promise<Either<CommandError, CommandOutcome<R>>>;
  /** Waits for off-the-hot-path work (snapshots) started so far. */
  settle(): Promise<void>;
}

const fromRecord = <R>(dup: DuplicateCommand, meta: CommandMeta): Either<CommandError, CommandOutcome<R>> => {
  if (meta.requestHash !== undefined && dup.requestHash !== undefined && dup.requestHash !== meta.requestHash) {
    return left({
      kind: "IdempotencyKeyReused",
      commandId: dup.commandId,
      message: `the key ${dup.commandId} was already used for a different request`,
    });
  }
  return right({ result: dup.result as R, versions: dup.versions, duplicate: true });
};

const preconditionFailed = (streamId: string, expectedVersion: number, currentVersion: number): CommandError => ({
  kind: "PreconditionFailed",
  streamId,
  expectedVersion,
  currentVersion,
  message: `${streamId} is at version ${currentVersion}, not the ${expectedVersion} the request was made on; read it again`,
});

/**
 * Load, decide, append with the expected versions; on a concurrency conflict (a stream moved on,
 * or a counter's guard no longer holds) load again and decide again, a bounded number of times with jittered exponential backoff. The command id
 * goes into the same transaction, so a command that did land is never applied twice.
 */
export const createRunner = (deps: CommandDeps): Runner => {
  const pending = new Set<Promise<unknown>>();
  const background = (work: () => Promise<unknown>) => {
    const p = work()
      .catch((e: unknown) => deps.onBackgroundError?.(e))
      .finally(() => pending.delete(p));
    pending.add(p);
  };
  const maxAttempts = deps.maxAttempts ?? 8;

  return {
    async settle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    async run<R>(meta: CommandMeta, decide: () => Promise<Either<CommandError, Plan<R>>>) {
      const commandId = meta.commandId ?? deps.newId();
      if (meta.commandId !== undefined) {
        // A repeat must answer the first result even when deciding again would now fail (an empty cart after checkout).
        const earlier = await deps.store.findCommand(commandId);
        if (earlier) return fromRecord<R>(earlier, meta);
      }
      const eventMeta: EventMeta = {
        correlationId: meta.correlationId,
        causationId: meta.causationId ?? commandId,
        actor: meta.actor,
        commandId,
      };
      let conflict: ConcurrencyError | undefined;
      for (let attempt = 0; attempt < maxAttempts; attempt++) {
        if (attempt > 0) {
          await sleep(Math.min(200, 2 ** attempt) * (0.5 + deps.random()));
          // The conflict may have been a twin of this very command (a client retrying at once): answer as it did.
          if (meta.commandId !== undefined) {
            const twin = await deps.store.findCommand(commandId);
            if (twin) return fromRecord<R>(twin, meta);
          }
        }
        const plan = await decide();
        if (isLeft(plan)) {
          // A twin of this command (the same key, sent at once) may have landed between the first
          // look-up and this decision, and made it fail (the cart it checked out is now empty).
          const twin = meta.commandId === undefined ? undefined : await deps.store.findCommand(commandId);
          return twin ? fromRecord<R>(twin, meta) : plan;
        }
        const moved = plan.right.changes.find((c) => {
          const expected = meta.expectedVersions?.[c.loaded.streamId];
          return expected !== undefined && expected !== c.loaded.version;
        });
        if (moved !== undefined) return left(preconditionFailed(moved.loaded.streamId, meta.expectedVersions![moved.loaded.streamId]!, moved.loaded.version));
        const changed = plan.right.changes.filter((c) => c.events.length > 0);
        if (changed.length === 0) {
          const versions = Object.fromEntries(plan.right.changes.map((c) => [c.loaded.streamId, c.loaded.version]));
          return right({ result: plan.right.result, versions, duplicate: false });
        }
        const appends: StreamAppend[] = changed.map(({ loaded, events }) => ({
          streamId: loaded.streamId as StreamId,
          expectedVersion: loaded.version,
          events: events.map((e) => ({ ...e, meta: eventMeta })),
        }));
        const counters = plan.right.counters ?? [];
        const appended = await deps.store.append(appends, {
          ...(meta.idempotentByState === true
            ? {}
            : { command: { id: commandId, result: plan.right.result, ...(meta.requestHash === undefined ? {} : { requestHash: meta.requestHash }) } }),
          ...(counters.length > 0 ? { counters } : {}),
          onTransactionConflict: () => deps.onRetry?.("transaction-conflict"),
        });
        if (isLeft(appended)) {
          if (appended.left.kind !== "ConcurrencyError") return appended;
          conflict = appended.left;
          deps.onRetry?.("version");
          continue;
        }
        if (appended.right.kind === "DuplicateCommand") return fromRecord<R>(appended.right, meta);
        for (const { loaded, events } of changed) {
          const work = snapshotAfter(deps, loaded, events);
          if (work) background(work);
        }
        return right({ result: plan.right.result, versions: appended.right.versions, duplicate: false });
      }
      return left(conflict!);
    },
  };
};
