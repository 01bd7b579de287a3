import { bookCommandRoutes } from "./commands/books.js";
import { cartCommandRoutes } from "./commands/cart.js";
import { checkoutRoute } from "./commands/checkout.js";
import { receiveStockRoute } from "./commands/inventory.js";
import { cancelOrderRoute, payOrderRoute } from "./commands/orders.js";
import { adjustStockRoute, createShipmentRoute, deliverShipmentRoute, fulfilmentEventsRoute } from "./commands/fulfilment.js";
import { rateBookRoute } from "./commands/ratings.js";
import { openApiRoute } from "./openapi-route.js";
import { getAlsoBoughtRoute } from "./queries/get-also-bought.js";
import { getBestsellersRoute } from "./queries/get-bestsellers.js";
import { projectionStatusRoute } from "./queries/projection-status.js";
import { getBookRoute } from "./queries/get-book.js";
import { getCartRoute } from "./queries/get-cart.js";
import { getInventoryRoute } from "./queries/get-inventory.js";
import { getOrderRoute } from "./queries/get-order.js";
import { listOrdersRoute } from "./queries/list-orders.js";
import { searchBooksRoute } from "./queries/search-books.js";
import { suggestBooksRoute } from "./queries/suggest-books.js";
import { streamEventsRoute } from "./operations/stream-events.js";
import type { AnyRoute } from "./route.js";
import { type Runtime, runtimeFromEnv } from "./runtime.js";

/**
 * The route table over a runtime: the local server and the tests pass their own, the Lambda
 * exports use the one built from the environment.
 */
export const buildRoutes = (runtime: () => Runtime): readonly AnyRoute[] => {
  const table: AnyRoute[] = [
    ...bookCommandRoutes(runtime),
    getBookRoute(runtime),
    searchBooksRoute(runtime),
    suggestBooksRoute(runtime),
    rateBookRoute(runtime),
    receiveStockRoute(runtime),
    adjustStockRoute(runtime),
    getInventoryRoute(runtime),
    getBestsellersRoute(runtime),
    getAlsoBoughtRoute(runtime),
    getCartRoute(runtime),
    ...cartCommandRoutes(runtime),
    checkoutRoute(runtime),
    listOrdersRoute(runtime),
    getOrderRoute(runtime),
    cancelOrderRoute(runtime),
    payOrderRoute(runtime),
    createShipmentRoute(runtime),
    deliverShipmentRoute(runtime),
    fulfilmentEventsRoute(runtime),
    streamEventsRoute(runtime),
    projectionStatusRoute(runtime),
    openApiRoute(() => table),
  ];
  return table;
};

/** The route table: the one source for the local server, SST and the OpenAPI document. */
export const routes: readonly AnyRoute[] = buildRoutes(runtimeFromEnv);
