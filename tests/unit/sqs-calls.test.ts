import { describe, expect, it } from "vitest";
import { planCalls, SEND_MESSAGE_BATCH_MAX_ENTRIES } from "../../projections/sqs-queue.js";

const m = (groupId: string, n: number) => ({ groupId, deduplicationId: `${groupId}.${n}`, body: "{}" });

describe("SendMessageBatch calls", () => {
  it("hold at most 10 messages, each group whole and in the order given, every message once", () => {
    const messages = [...Array.from({ length: 23 }, (_, i) => m(`g${i % 9}`, i)), m("big", 0)];
    const lanes = planCalls(messages);
    const calls = lanes.flat();
    for (const call of calls) expect(call.length).toBeLessThanOrEqual(SEND_MESSAGE_BATCH_MAX_ENTRIES);
    expect(calls.flat().map((x) => x.deduplicationId).sort()).toEqual(messages.map((x) => x.deduplicationId).sort());
    for (const group of new Set(messages.map((x) => x.groupId))) {
      const holding = calls.filter((c) => c.some((x) => x.groupId === group));
      expect(holding, group).toHaveLength(1);
      expect(holding[0]!.filter((x) => x.groupId === group)).toEqual(messages.filter((x) => x.groupId === group));
    }
  });

  it("send a group of more than 10 in calls one after the other, in its order", () => {
    const big = Array.from({ length: 25 }, (_, i) => m("big", i));
    const lanes = planCalls([m("a", 0), ...big]);
    const lane = lanes.find((l) => l.some((c) => c.some((x) => x.groupId === "big")));
    expect(lane?.map((c) => c.length)).toEqual([10, 10, 5]);
    expect(lane?.flat()).toEqual(big);
  });
});
