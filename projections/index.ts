import { alsoBought } from "./also-bought.js";
import { bestsellers } from "./bestsellers.js";
import { bookDetail } from "./book-detail.js";
import { bookTitles } from "./book-titles.js";
import { bookSearch } from "./book-search.js";
import { cartView } from "./cart-view.js";
import { customerProfile } from "./customer-profile.js";
import { fulfilmentRequests } from "./fulfilment-requests.js";
import { integrationEvents } from "./integration-events.js";
import { inventoryView } from "./inventory-view.js";
import { orderHistory } from "./order-history.js";
import type { ProjectionPorts, ViewPorts } from "./ports.js";
import type { Projection } from "./projection.js";
import { salesByCategory } from "./sales-by-category.js";
import { statusOf, type ProjectionStatus } from "./status.js";
import { topRated } from "./top-rated.js";

/** Every projection: the one list SST, the local poller and the replay CLI read. */
export const projections: readonly Projection<ProjectionPorts>[] = [
  cartView,
  inventoryView,
  bookDetail,
  orderHistory,
  customerProfile,
  bestsellers,
  alsoBought,
  topRated,
  bookTitles,
  bookSearch,
  salesByCategory,
  integrationEvents,
  fulfilmentRequests,
];

/** The status of every projection of the registry (for the CLI and the admin endpoint). */
export const projectionStatus = (ports: ViewPorts, now?: Date): Promise<ProjectionStatus[]> => statusOf(ports, projections, now);

export * from "./projection.js";
export * from "./builder.js";
export * from "./ports.js";
export * from "./generations.js";
export { deadLetters, type DeadLetter, type DeadLetters } from "./dead-letters.js";
export { EventOutOfOrder } from "./stream-view.js";
export { getCart, type CartView } from "./cart-view.js";
export { getInventory, type InventoryView } from "./inventory-view.js";
export { getCustomerProfile, type CustomerProfile } from "./customer-profile.js";
export { getOrder, listOrders, type OrderView, type OrderPage } from "./order-history.js";
export { topBestsellers, type Bestseller } from "./bestsellers.js";
export { alsoBoughtWith, type CoPurchase } from "./also-bought.js";
export { titlesOf } from "./book-titles.js";
export { topRatedBooks, MIN_RATINGS, type RatedBook } from "./top-rated.js";
export { getBook } from "./book-search.js";
export { getBookDetail, type BookDetail } from "./book-detail.js";
export { ensureBookIndex, type BookDocument } from "./book-index.js";
export { searchBooks, InvalidCursor, type BookQuery, type BookResults, type BookSort } from "./search-books.js";
export { dailySales, type DailySales } from "./sales-by-category.js";
export { inProcessBus, type IntegrationBus, type IntegrationEvent, type IntegrationDetail, type IntegrationPorts, type RecordingBus } from "./integration-bus.js";
export { eventBridgeBus, PublishFailed, PUT_EVENTS_MAX_ENTRIES, type EventBridgeBusOptions } from "./eventbridge-bus.js";
export * from "./integration-contract.js";
export * from "./fulfilment-contract.js";
export * from "./queues.js";
export { silentQueue, silentQueues, type MessageQueue, type QueueMessage, type QueuePorts } from "./message-queue.js";
export { planCalls, SendFailed, SEND_MESSAGE_BATCH_MAX_ENTRIES, sqsClientFor, sqsQueue, type SqsQueueOptions } from "./sqs-queue.js";
export { recordProgress, statusOf, type ProjectionStatus, type ProjectionProgress } from "./status.js";
