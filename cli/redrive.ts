import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { isLeft } from "fp-ts/lib/Either.js";
import { atLiveGeneration, deadLetters, type Projection, type ViewPorts } from "../projections/index.js";
import { decodeEventItem } from "../store/index.js";

export interface RedriveResult {
  readonly redriven: number;
  readonly remaining: number;
}

/**
 * Applies each dead letter again with the projection's own `apply`, oldest event first (a
 * stream's letters must land in version order). A letter that applies is removed; one that
 * still fails stays, with the new reason.
 */
export const redrive = async <P extends ViewPorts>(projection: Projection<P>, configured: P, clock: () => Date = () => new Date()): Promise<RedriveResult> => {
  const letters = deadLetters(configured.views);
  // Into the live generation, as the projector would have applied them.
  const ports = await atLiveGeneration(configured, projection.name);
  const all = await letters.list(projection.name);
  if (all.length > 0) await projection.prepare?.(ports);
  const decoded = all.map((letter) => ({ letter, item: decodeEventItem(unmarshall(JSON.parse(letter.image) as Record<string, AttributeValue>)) }));
  decoded.sort((a, b) => (isLeft(a.item) || isLeft(b.item) ? 0 : a.item.right.eventId.localeCompare(b.item.right.eventId)));
  let redriven = 0;
  for (const { letter, item } of decoded) {
    if (isLeft(item)) {
      await letters.put({ ...letter, reason: `still undecodable: ${item.left.reason}`, at: clock().toISOString() });
      continue;
    }
    try {
      await projection.apply([item.right], ports);
      await letters.remove(projection.name, letter.id);
      redriven += 1;
    } catch (error) {
      await letters.put({ ...letter, reason: `redrive failed: ${error instanceof Error ? error.message : String(error)}`, at: clock().toISOString() });
    }
  }
  return { redriven, remaining: all.length - redriven };
};
