import { isLeft, isRight } from "fp-ts/lib/Either.js";
import { stockEventTypes, stockMovement, type StoredEvent } from "../../events/index.js";
import type { CommandDeps } from "../../handlers/commands/deps.js";
import { stockLevels } from "../../handlers/commands/stock.js";
import { collect } from "./event-store-fixture.js";

type StockEvent = Parameters<typeof stockMovement>[0];
const isStockEvent = (e: StoredEvent): boolean => (stockEventTypes as readonly string[]).includes(e.type);

/** Every book's `onHand` and `reserved` as its stock events, wherever they are stored, add up to. */
export const stockFromEvents = async (deps: Pick<CommandDeps, "store">): Promise<Map<string, { onHand: number; reserved: number }>> => {
  const folded = new Map<string, { onHand: number; reserved: number }>();
  for (const r of await collect(deps.store.readAll())) {
    if (isLeft(r)) throw new Error(r.left.reason);
    if (!isStockEvent(r.right)) continue;
    const m = stockMovement(r.right as unknown as StockEvent);
    const bookId = (r.right.data as { bookId: string }).bookId;
    const s = folded.get(bookId) ?? { onHand: 0, reserved: 0 };
    folded.set(bookId, { onHand: s.onHand + m.onHand, reserved: s.reserved + m.reserved });
  }
  return folded;
};

/**
 * A book's stock: `onHand` and `reserved` from its events, `available` from the stock counter
 * the command side decides on, which must be the same as the events' (it throws otherwise).
 */
export const stockOf = async (deps: Pick<CommandDeps, "store" | "snapshots" | "snapshotEvery">, bookId: string) => {
  const levels = await stockLevels(deps, [bookId]);
  if (!isRight(levels)) throw new Error("stock counter unreadable");
  const counter = levels.right.get(bookId)!;
  const { onHand, reserved } = (await stockFromEvents(deps)).get(bookId) ?? { onHand: 0, reserved: 0 };
  const available = counter.onHand - counter.reserved;
  if (available !== onHand - reserved) throw new Error(`the stock counter of ${bookId} says ${available} available, its events ${onHand - reserved}`);
  return { onHand, reserved, available };
};
