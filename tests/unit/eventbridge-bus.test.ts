import { PutEventsCommand, type PutEventsResultEntry } from "@aws-sdk/client-eventbridge";
import { describe, expect, it } from "vitest";
import { eventBridgeBus, PublishFailed, PUT_EVENTS_MAX_ENTRIES } from "../../projections/eventbridge-bus.js";
import type { IntegrationEvent } from "../../projections/integration-bus.js";

const events = (n: number): IntegrationEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    source: "bookstore.orders",
    detailType: "OrderPaid",
    time: "2026-01-01T00:00:00.000Z",
    detail: {
      schemaVersion: 1,
      eventId: `e${i}`,
      occurredAt: "2026-01-01T00:00:00.000Z",
      streamId: `order#${i}`,
      streamVersion: 2,
      correlationId: "c",
      data: { orderId: String(i) },
    },
  }));

/**
 * EventBridge has no local server: this stands in for its PutEvents, answering as the service
 * does (a result per entry, in request order; failed entries carry an ErrorCode) and failing the
 * entries `refuse` picks on a given call.
 */
const fakeEventBridge = (refuse: (eventId: string, call: number) => boolean = () => false) => {
  const calls: string[][] = [];
  const delivered: string[] = [];
  return {
    calls,
    delivered,
    client: {
      send: async (command: unknown) => {
        if (!(command instanceof PutEventsCommand)) throw new Error("PutEvents only");
        const entries = command.input.Entries ?? [];
        if (entries.length > 10) throw new Error("ValidationException: at most 10 entries");
        const ids = entries.map((e) => (JSON.parse(e.Detail ?? "{}") as { eventId: string }).eventId);
        const call = calls.push(ids) - 1;
        const results: PutEventsResultEntry[] = ids.map((id) => {
          if (refuse(id, call)) return { ErrorCode: "ThrottlingException", ErrorMessage: "Rate exceeded" };
          delivered.push(id);
          return { EventId: `eb-${id}` };
        });
        return { FailedEntryCount: results.filter((r) => r.ErrorCode !== undefined).length, Entries: results };
      },
    } as never,
  };
};

describe("the EventBridge bus adapter", () => {
  it("sends PutEvents batches of at most 10 entries, in order", async () => {
    const eb = fakeEventBridge();
    await eventBridgeBus({ client: eb.client, busName: "bus" }).publish(events(23));
    expect(eb.calls.map((c) => c.length)).toEqual([10, 10, 3]);
    expect(eb.calls.every((c) => c.length <= PUT_EVENTS_MAX_ENTRIES)).toBe(true);
    expect(eb.delivered).toEqual(events(23).map((e) => e.detail.eventId));
  });

  it("retries only the entries that failed, until each is delivered once", async () => {
    const eb = fakeEventBridge((id, call) => (id === "e2" || id === "e7") && call < 2);
    await eventBridgeBus({ client: eb.client, busName: "bus", retryDelayMs: 1 }).publish(events(12));
    expect(eb.calls).toEqual([
      ["e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9"],
      ["e2", "e7"],
      ["e2", "e7"],
      ["e10", "e11"],
    ]);
    expect([...eb.delivered].sort()).toEqual(events(12).map((e) => e.detail.eventId).sort());
    expect(new Set(eb.delivered).size).toBe(eb.delivered.length);
  });

  it("gives up after its retries and names the entries that never went out", async () => {
    const eb = fakeEventBridge((id) => id === "e4");
    const publishing = eventBridgeBus({ client: eb.client, busName: "bus", maxRetries: 2, retryDelayMs: 1 }).publish(events(6));
    await expect(publishing).rejects.toBeInstanceOf(PublishFailed);
    await expect(publishing).rejects.toMatchObject({ failures: [{ event: { detail: { eventId: "e4" } }, errorCode: "ThrottlingException" }] });
    expect(eb.calls).toHaveLength(3);
  });
});
