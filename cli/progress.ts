import { SingleBar } from "cli-progress";
import type { ReplayProgress } from "./replay-run.js";

export interface ProgressReporter {
  update(progress: ReplayProgress): void;
  stop(): void;
}

const formatSeconds = (s: number): string =>
  !Number.isFinite(s) || s < 0 ? "?" : s < 60 ? `${Math.round(s)}s` : s < 3600 ? `${Math.floor(s / 60)}m${Math.round(s % 60)}s` : `${(s / 3600).toFixed(1)}h`;

/**
 * Progress of a replay. The number of events ahead is unknown without reading them, so the
 * share done is estimated from event time: the last event's time within [from, to).
 */
export const progressReporter = (label: string, fromMs: number | undefined, toMs: number, stream: NodeJS.WriteStream = process.stderr): ProgressReporter => {
  const started = Date.now();
  let startAt = fromMs;
  const measure = (p: ReplayProgress) => {
    startAt ??= p.at;
    const share = p.at === undefined || startAt === undefined || toMs <= startAt ? 0 : Math.min(1, Math.max(0, (p.at - startAt) / (toMs - startAt)));
    const elapsed = (Date.now() - started) / 1000;
    const rate = elapsed > 0 ? p.scanned / elapsed : 0;
    const eta = share > 0 ? (elapsed * (1 - share)) / share : Number.NaN;
    return { share, rate, eta };
  };
  if (stream.isTTY === true) {
    const bar = new SingleBar(
      { format: `${label} [{bar}] {percentage}% | {scanned} read, {applied} applied | {rate} ev/s | ETA {etaText}`, hideCursor: true, stream },
    );
    bar.start(1000, 0, { scanned: 0, applied: 0, rate: 0, etaText: "?" });
    return {
      update: (p) => {
        const { share, rate, eta } = measure(p);
        bar.update(Math.round(share * 1000), { scanned: p.scanned, applied: p.applied, rate: Math.round(rate), etaText: formatSeconds(eta) });
      },
      stop: () => bar.stop(),
    };
  }
  let lastLine = 0;
  return {
    update: (p) => {
      if (Date.now() - lastLine < 2000) return;
      lastLine = Date.now();
      const { share, rate, eta } = measure(p);
      stream.write(`${label}: ${p.scanned} read, ${p.applied} applied, ${Math.round(rate)} ev/s, ~${Math.round(share * 100)}% done, ETA ${formatSeconds(eta)}\n`);
    },
    stop: () => undefined,
  };
};
