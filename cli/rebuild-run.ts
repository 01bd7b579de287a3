import { setTimeout as sleep } from "node:timers/promises";
import type { Client } from "@opensearch-project/opensearch";
import type { Redis } from "ioredis";
import {
  sendsOut,
  atGeneration,
  READER_POINTER_TTL_MS,
  readGeneration,
  redisPointerKey,
  redisPrefixOf,
  generationIndexOf,
  switchGeneration,
  type Projection,
  type ViewPorts,
} from "../projections/index.js";
import { READ_ALL_SETTLE_MS } from "../store/index.js";
import { dropGeneration, type Dropped } from "./drop-generation.js";
import { takeRebuildLease, type RebuildLease } from "./rebuild-lease.js";
import { redrive } from "./redrive.js";
import type { ReplayReader } from "./replay-batches.js";
import { runReplay, type ReplayProgress, type ReplaySummary } from "./replay-run.js";
import { UsageError } from "./usage-error.js";

type RebuildPorts = ViewPorts & { readonly redis?: Redis; readonly search?: { readonly client: Client; readonly index: string } };

export type RebuildPhase = "replay" | "catch-up" | "switch" | "grace" | "drop";

export interface RebuildOptions<P extends RebuildPorts> {
  readonly projection: Projection<P>;
  /** How its replays read history. */
  readonly read: ReplayReader;
  /** The ports as configured (the rebuild finds the generations from them). */
  readonly ports: P;
  /**
   * After the switch, how long to wait before the last catch-up and the drop: a projector batch
   * begun before the switch may still write the old generation, and a reader may still hold the
   * old pointer. At least the readers' pointer lifetime.
   */
  readonly graceMs: number;
  /** Throw away a half-built generation instead of continuing it. */
  readonly restart?: boolean;
  readonly clock?: () => Date;
  readonly onPhase?: (phase: RebuildPhase, detail: string) => void;
  readonly onProgress?: (progress: ReplayProgress) => void;
  readonly shouldStop?: () => boolean;
  /** How long the claim on the projection lasts unrenewed (tests shorten it). */
  readonly leaseMs?: number;
}

export interface RebuildSummary {
  readonly projection: string;
  readonly from: number;
  readonly to: number;
  /** The replay of history into the new generation, catch-ups included. */
  readonly replay: ReplaySummary;
  readonly resumed: boolean;
  /** Stopped before the switch (Ctrl-C): the same command continues it. */
  readonly stopped: boolean;
  readonly dropped?: Dropped;
  /** Dead letters the rebuild found applied and cleared, and those still failing. */
  readonly deadLetters?: { readonly redriven: number; readonly remaining: number };
  readonly seconds: number;
}

/** Most catch-up passes before the switch; each is shorter than the one before it unless writes outpace the replay. */
const CATCH_UP_PASSES = 5;
/**
 * A pass that took less than this is close enough to switch on: the new generation is at most
 * that far behind the live one. (Counting events would not do: each pass reads the unsettled
 * tail of history again.)
 */
const CLOSE_ENOUGH_MS = 1000;
/** The wait before a pass that stopped at an event still waiting for its predecessor runs again. */
const UNSETTLED_RETRY_MS = 250;

/**
 * Points searchers at `index`: one atomic alias update that also takes the alias off the old
 * generation's index, which stays until the drop so that a search already running on it ends
 * well. A plain index bearing the alias's name (made before generations existed) can only be
 * removed in the same update.
 */
const moveAlias = async ({ client, index: alias }: { readonly client: Client; readonly index: string }, index: string): Promise<void> => {
  const behind = await client.indices.getAlias({ name: alias }, { ignore: [404] });
  const current = behind.statusCode === 404 ? [] : Object.keys(behind.body as Record<string, unknown>);
  const plainIndex = current.length === 0 && (await client.indices.exists({ index: alias })).body === true;
  await client.indices.updateAliases({
    body: {
      actions: [
        { add: { index, alias } },
        ...current.filter((i) => i !== index).map((i) => ({ remove: { index: i, alias } })),
        ...(plainIndex ? [{ remove_index: { index: alias } }] : []),
      ],
    },
  });
};

/**
 * Rebuilds a read model while the live one keeps serving: replays history into a new
 * generation, catches up, switches the projector and then the readers to it, catches up once
 * more (events a projector batch begun before the switch wrote only to the old generation),
 * and only then drops the old generation. Every write is idempotent per event, so the live
 * projector and the catch-up may both apply an event to the new generation.
 */
export const runRebuild = async <P extends RebuildPorts>(options: RebuildOptions<P>): Promise<RebuildSummary> => {
  const { projection, ports } = options;
  if (sendsOut(projection)) {
    throw new UsageError(`${projection.name} publishes to other systems; rebuilding it would publish history again`);
  }
  const lease = await takeRebuildLease(ports.views, projection.name, options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs });
  try {
    const result = await rebuildHolding(options, lease);
    await (result.stopped ? lease.release() : lease.finish());
    return result;
  } catch (e) {
    await lease.release().catch(() => undefined);
    throw e;
  }
};

const rebuildHolding = async <P extends RebuildPorts>(options: RebuildOptions<P>, lease: RebuildLease): Promise<RebuildSummary> => {
  const { projection, ports } = options;
  const started = Date.now();
  const clock = options.clock ?? (() => new Date());
  const phase = options.onPhase ?? (() => {});
  const current = await readGeneration(ports.views, projection.name);
  const building = lease.found;
  // A run that died after its switch left its generation live and the one before undropped.
  const switched = building !== undefined && building.generation === current && building.from < current ? building : undefined;
  const halfBuilt = building !== undefined && building.generation > current && building.from === current ? building.generation : undefined;
  const from = switched?.from ?? current;
  const next = switched?.generation ?? halfBuilt ?? current + 1;
  if (halfBuilt !== undefined && options.restart === true) {
    phase("drop", `generation ${halfBuilt}, half built`);
    await dropGeneration(projection, halfBuilt, ports);
  }
  if (switched === undefined) await lease.building({ generation: next, from, startedAt: clock().toISOString() });
  const target = atGeneration(ports, projection.name, next);
  await projection.prepare?.(target);

  const replayId = `rebuild-g${next}`;
  // Once switched, the rebuild must finish: the passes after the switch do not stop on Ctrl-C.
  // A pass reads to history's tip, but where history has not settled an event may still be
  // committing behind those read: checkpointed past, it would be in neither generation, as the
  // live projector may apply it to the old one. So the checkpoint stays where history has settled,
  // and a pass that meets an event before its predecessor there ends, to be run again.
  const pass = (restart: boolean, stoppable: boolean) =>
    runReplay({
      projection,
      read: options.read,
      ports: target,
      replayId,
      restart,
      unsettledFrom: clock().getTime() - READ_ALL_SETTLE_MS,
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      ...(options.shouldStop === undefined || !stoppable ? {} : { shouldStop: options.shouldStop }),
    });
  const resumed = switched !== undefined || (halfBuilt !== undefined && options.restart !== true);
  const summary = (replay: ReplaySummary, stopped: boolean, dropped?: Dropped, deadLetters?: RebuildSummary["deadLetters"]): RebuildSummary => ({
    projection: projection.name,
    from,
    to: next,
    replay,
    resumed,
    stopped,
    ...(dropped === undefined ? {} : { dropped }),
    ...(deadLetters === undefined ? {} : { deadLetters }),
    seconds: (Date.now() - started) / 1000,
  });
  /** Readers of Redis and of the search index follow pointers of their own, set after the projector's. */
  const pointReadersAtNext = async () => {
    const stores = projection.stores ?? [];
    if (stores.includes("cache") && ports.redis !== undefined) await ports.redis.set(redisPointerKey(projection.name), redisPrefixOf(projection.name, next));
    if (stores.includes("search") && ports.search !== undefined) await moveAlias(ports.search, generationIndexOf(ports.search.index, next));
  };

  if (switched === undefined) {
    phase("replay", `generation ${next} (live: ${current})${resumed ? ", continuing" : ""}`);
    let replay = await pass(!resumed, true);
    if (replay.stopped) return summary(replay, true);
    for (let n = 1; n <= CATCH_UP_PASSES; n++) {
      phase("catch-up", `pass ${n}`);
      replay = await pass(false, true);
      if (replay.stopped) return summary(replay, true);
      if (replay.unsettled !== true && replay.seconds * 1000 < CLOSE_ENOUGH_MS) break;
    }

    lease.assertHeld();
    phase("switch", `generation ${current} → ${next}`);
    if (!(await switchGeneration(ports.views, projection.name, current, next, clock()))) {
      throw new Error(`${projection.name}: the live generation is no longer ${current}; another rebuild switched first`);
    }
    await pointReadersAtNext();
    phase("catch-up", "after the switch");
  } else {
    // The switch itself is one conditional write, so the pointers may lag only in Redis and the
    // search alias, which it set after: set again, they are where the views table says.
    phase("catch-up", `generation ${next} is live; the run that switched to it stopped before dropping generation ${from}`);
    await pointReadersAtNext();
  }

  // Its replay checkpoint is kept until the end, so a pass here reads only what came after it.
  await pass(false, false);
  phase("grace", `${Math.max(options.graceMs, READER_POINTER_TTL_MS)} ms`);
  await sleep(Math.max(options.graceMs, READER_POINTER_TTL_MS));
  // The last pass must reach every event that a projector may have applied to the old generation
  // only: one that stopped unsettled is run again until the event it waited for has come.
  let replay = await pass(false, false);
  while (replay.unsettled === true) {
    phase("catch-up", "an event's predecessor is still committing; reading again");
    await sleep(UNSETTLED_RETRY_MS);
    replay = await pass(false, false);
  }

  lease.assertHeld();
  phase("drop", `generation ${from}`);
  const dropped = await dropGeneration(projection, from, ports);
  // A live batch that met the new generation before the catch-up filled it in (an event whose
  // predecessor came just before the switch) may have been dead-lettered. The catch-up has
  // applied every event since, so such a letter is now a no-op: redriving clears it.
  const deadLetters = await redrive(projection, ports, clock);
  return summary(replay, false, dropped, deadLetters);
};
