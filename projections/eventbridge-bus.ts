import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { setTimeout as sleep } from "node:timers/promises";
import type { IntegrationBus, IntegrationEvent } from "./integration-bus.js";

/** PutEvents takes at most 10 entries per call. */
export const PUT_EVENTS_MAX_ENTRIES = 10;

export interface EventBridgeBusOptions {
  readonly client: Pick<EventBridgeClient, "send">;
  readonly busName: string;
  /** Further attempts for entries that failed (throttled, internal failure) before giving up. */
  readonly maxRetries?: number;
  /** Wait before retry n: `retryDelayMs * 2^n`. */
  readonly retryDelayMs?: number;
}

/** Raised when entries still fail after the retries; the events before them were published. */
export class PublishFailed extends Error {
  constructor(readonly failures: readonly { readonly event: IntegrationEvent; readonly errorCode: string; readonly errorMessage: string }[]) {
    super(`EventBridge refused ${failures.length} event(s): ${failures.map((f) => `${f.event.detail.eventId} ${f.errorCode}`).join(", ")}`);
    this.name = "PublishFailed";
  }
}

const entry = (busName: string, e: IntegrationEvent): PutEventsRequestEntry => ({
  EventBusName: busName,
  Source: e.source,
  DetailType: e.detailType,
  Time: new Date(e.time),
  Resources: [],
  Detail: JSON.stringify(e.detail),
});

/**
 * The EventBridge adapter: events go out in `PutEvents` calls of at most 10 entries, in the
 * order given. PutEvents succeeds as a call even when some entries fail (`FailedEntryCount`,
 * an `ErrorCode` per entry, results in request order): only those entries are sent again,
 * with backoff; what still fails is thrown, so the stream record is retried.
 */
export const eventBridgeBus = ({ client, busName, maxRetries = 4, retryDelayMs = 100 }: EventBridgeBusOptions): IntegrationBus => ({
  publish: async (events) => {
    for (let start = 0; start < events.length; start += PUT_EVENTS_MAX_ENTRIES) {
      let pending = events.slice(start, start + PUT_EVENTS_MAX_ENTRIES);
      for (let attempt = 0; ; attempt += 1) {
        const out = await client.send(new PutEventsCommand({ Entries: pending.map((e) => entry(busName, e)) }));
        if ((out.FailedEntryCount ?? 0) === 0) break;
        const failed = pending.flatMap((event, i) => {
          const result = out.Entries?.[i];
          return result?.ErrorCode === undefined ? [] : [{ event, errorCode: result.ErrorCode, errorMessage: result.ErrorMessage ?? "" }];
        });
        if (failed.length === 0) break;
        if (attempt >= maxRetries) throw new PublishFailed(failed);
        pending = failed.map((f) => f.event);
        await sleep(retryDelayMs * 2 ** attempt);
      }
    }
  },
});
