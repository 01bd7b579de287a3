import { cartView } from "./cart-view.js";
import { inventoryView } from "./inventory-view.js";
import { orderHistory } from "./order-history.js";
import type { ProjectionPorts } from "./ports.js";
import type { Projection } from "./projection.js";

/** Every projection: the one list SST, the local poller and the replay CLI read. */
export const projections: readonly Projection<ProjectionPorts>[] = [cartView, inventoryView, orderHistory];

export * from "./projection.js";
export * from "./ports.js";
export { deadLetters, type DeadLetter, type DeadLetters } from "./dead-letters.js";
export { getCart, type CartView } from "./cart-view.js";
export { getInventory, type InventoryView } from "./inventory-view.js";
export { getOrder, listOrders, type OrderView, type OrderPage } from "./order-history.js";
