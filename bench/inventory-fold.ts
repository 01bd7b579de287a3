// How long rebuilding a bestseller's inventory state takes as its stream grows: each order adds a
// reservation and a commit. Pure CPU, no store; the store's read time comes on top.
import { fold } from "../domain/decider.js";
import { inventoryDecider, type InventoryEvent } from "../domain/inventory.js";
import { event } from "../events/index.js";

const streamOf = (length: number): InventoryEvent[] => {
  const events: InventoryEvent[] = [event("StockReceived", { bookId: "b", quantity: 10_000_000 })];
  for (let i = 0; events.length < length; i++) {
    events.push(event("StockReserved", { bookId: "b", orderId: `o${i}`, quantity: 1 }));
    events.push(event("ReservationCommitted", { bookId: "b", orderId: `o${i}`, quantity: 1 }));
  }
  return events.slice(0, length);
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

fold(inventoryDecider, streamOf(10_000)); // warm up the JIT
for (const length of [10, 1_000, 10_000, 100_000]) {
  const events = streamOf(length);
  const runs = Array.from({ length: 7 }, () => {
    const start = performance.now();
    fold(inventoryDecider, events);
    return performance.now() - start;
  });
  const ms = median(runs);
  console.log(`inventory fold, ${String(length).padStart(7)} events: ${ms.toFixed(2).padStart(8)} ms median of 7 (${((ms * 1000) / length).toFixed(2)} µs/event)`);
}
