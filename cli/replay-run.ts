import { decodeTime, encodeTime } from "ulid";
import type { EventType } from "../events/index.js";
import { EventOutOfOrder, type Projection, type ViewPorts } from "../projections/index.js";
import type { ReplayBatch, ReplayReader } from "./replay-batches.js";
import { replayCheckpoints, type ReplayCheckpoint } from "./replay-checkpoints.js";

export interface ReplayOptions<P extends ViewPorts> {
  readonly projection: Projection<P>;
  /** Reads history into batches: `readInThisThread(store)`, or `readInReaderThread(target)`. */
  readonly read: ReplayReader;
  /** Where the projection writes; its views table also keeps the replay's checkpoint. */
  readonly ports: P;
  readonly from?: string;
  readonly to?: string;
  /** Only these types (within the projection's own). */
  readonly types?: readonly EventType[];
  readonly dryRun?: boolean;
  readonly batchSize?: number;
  readonly checkpointEvery?: number;
  /** Names the checkpoint: the same id continues where it stopped. */
  readonly replayId: string;
  /** Ignore the checkpoint and start from `from`. */
  readonly restart?: boolean;
  readonly onProgress?: (progress: ReplayProgress) => void;
  /** Asked between batches: true stops the replay after a checkpoint (Ctrl-C). */
  readonly shouldStop?: () => boolean;
  /**
   * For a replay that reads up to history's tip while appends go on (a rebuild's passes): events
   * minted at or after this time (ms) may not have settled, as an append that minted an earlier
   * id may still be committing. The checkpoint never passes them, so the next run reads them
   * again; and an event met there before its predecessor ends the replay as `unsettled` instead
   * of failing it.
   */
  readonly unsettledFrom?: number;
}

export interface ReplayProgress {
  readonly scanned: number;
  readonly applied: number;
  /** Event time (ms) of the last event read, for an estimate of what is left. */
  readonly at?: number;
}

export interface ReplaySummary extends ReplayProgress {
  readonly undecodable: number;
  readonly byType: Readonly<Record<string, number>>;
  readonly resumedAfter?: string;
  readonly lastEventId?: string;
  readonly stopped: boolean;
  /** Ended at an event that came before its predecessor where history had not settled: run again to go on. */
  readonly unsettled?: boolean;
  readonly seconds: number;
}

/**
 * Events per apply call in a replay unless told otherwise (or the projection's live batch is
 * larger). Live batches are small so that a read model shows a write soon; a replay wants
 * throughput, and a batch of this size still bounds its memory.
 */
export const REPLAY_BATCH_SIZE = 1000;

/**
 * Runs a registry projection's own `apply` over history. Reading the next batch overlaps with
 * applying the current one; the checkpoint is written only after a batch is applied, so a
 * crash repeats at most the batches since the last checkpoint, which the projection's
 * per-stream version checks turn into no-ops.
 */
export const runReplay = async <P extends ViewPorts>(options: ReplayOptions<P>): Promise<ReplaySummary> => {
  const { projection, ports, replayId } = options;
  const started = Date.now();
  const batchSize = options.batchSize ?? Math.max(projection.batch.batchSize, REPLAY_BATCH_SIZE);
  const checkpointEvery = options.checkpointEvery ?? 1000;
  const marks = replayCheckpoints(ports.views);
  const resume = options.restart === true || options.dryRun === true ? undefined : await marks.get(projection.name, replayId);
  const own = new Set<string>(projection.eventTypes);
  const wanted = new Set<string>(options.types === undefined ? own : options.types.filter((t) => own.has(t)));
  const after = resume?.lastEventId;
  const source = options.read({
    ...(options.from === undefined ? {} : { from: options.from }),
    ...(options.to === undefined ? {} : { to: options.to }),
    wanted: [...wanted],
    ...(after === undefined ? {} : { after }),
    batchSize,
  });

  let scanned = resume?.scanned ?? 0;
  let applied = resume?.applied ?? 0;
  let undecodable = resume?.undecodable ?? 0;
  let lastEventId = after;
  let at: number | undefined;
  let sinceCheckpoint = 0;
  const byType: Record<string, number> = {};
  // The greatest id minted before `unsettledFrom`: a checkpoint there re-reads everything after.
  const settledUpTo = options.unsettledFrom === undefined ? undefined : encodeTime(options.unsettledFrom - 1, 10) + "Z".repeat(16);
  const checkpointId = () => (settledUpTo !== undefined && lastEventId !== undefined && lastEventId > settledUpTo ? settledUpTo : lastEventId);
  const unsettledOutOfOrder = (error: unknown, batch: ReplayBatch) => {
    if (settledUpTo === undefined || !(error instanceof EventOutOfOrder)) return false;
    const early = batch.events.find((e) => e.streamId === error.streamId && e.version === error.version);
    return early !== undefined && early.eventId > settledUpTo;
  };
  const checkpoint = (done: boolean) =>
    options.dryRun === true
      ? Promise.resolve()
      : marks.put({
          projection: projection.name,
          replayId,
          ...(checkpointId() === undefined ? {} : { lastEventId: checkpointId() }),
          scanned,
          applied,
          undecodable,
          done,
          updatedAt: new Date().toISOString(),
        } satisfies ReplayCheckpoint);

  const settle = (batch: ReplayBatch) => {
    scanned += batch.scanned;
    applied += batch.events.length;
    undecodable += batch.undecodable;
    sinceCheckpoint += batch.scanned;
    lastEventId = batch.upTo ?? lastEventId;
    if (batch.upTo !== undefined) at = decodeTime(batch.upTo);
    for (const e of batch.events) byType[e.type] = (byType[e.type] ?? 0) + 1;
  };

  let stopped = false;
  let unsettled = false;
  let inFlight: Promise<void> | undefined;
  let inFlightBatch: ReplayBatch | undefined;
  let failure: { error: unknown } | undefined;
  const finishInFlight = async () => {
    if (inFlight === undefined || inFlightBatch === undefined) return;
    await inFlight;
    // The batch failed: stop here, with the checkpoint still before it; where history has not
    // settled, the event it lacked may still come, so the replay ends without failing.
    if (failure !== undefined && unsettledOutOfOrder(failure.error, inFlightBatch)) {
      unsettled = true;
      inFlight = undefined;
      inFlightBatch = undefined;
      return;
    }
    if (failure !== undefined) throw failure.error;
    settle(inFlightBatch);
    inFlight = undefined;
    inFlightBatch = undefined;
    if (sinceCheckpoint >= checkpointEvery) {
      await checkpoint(false);
      sinceCheckpoint = 0;
    }
    options.onProgress?.({ scanned, applied, ...(at === undefined ? {} : { at }) });
  };
  for await (const batch of source) {
    await finishInFlight();
    if (unsettled) break;
    if (options.shouldStop?.() === true) {
      stopped = true;
      break;
    }
    inFlightBatch = batch;
    // The failure is kept, not left unhandled, until the batch is awaited.
    inFlight =
      options.dryRun === true || batch.events.length === 0
        ? Promise.resolve()
        : projection.apply(batch.events, ports).catch((error: unknown) => void (failure = { error }));
  }
  await finishInFlight();
  await checkpoint(!stopped && !unsettled);
  return {
    scanned,
    applied,
    undecodable,
    byType,
    ...(after === undefined ? {} : { resumedAfter: after }),
    ...(lastEventId === undefined ? {} : { lastEventId }),
    ...(at === undefined ? {} : { at }),
    stopped,
    ...(unsettled ? { unsettled } : {}),
    seconds: (Date.now() - started) / 1000,
  };
};
