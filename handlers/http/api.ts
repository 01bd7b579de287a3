import { lambdaFor } from "./lambda.js";
import { routes } from "./routes.js";

/** One Lambda handler per route, keyed by operationId; SST points each function at its export. */
export const handlers = Object.fromEntries(routes.map((r) => [r.operationId, lambdaFor(r)]));

const handlerOf = (operationId: string) => {
  const handler = handlers[operationId];
  if (handler === undefined) throw new Error(`no route ${operationId} in the route table`);
  return handler;
};

export const addBook = handlerOf("addBook");
export const changeBookDetails = handlerOf("changeBookDetails");
export const changeBookPrice = handlerOf("changeBookPrice");
export const discontinueBook = handlerOf("discontinueBook");
export const getBook = handlerOf("getBook");
export const searchBooks = handlerOf("searchBooks");
export const rateBook = handlerOf("rateBook");
export const receiveStock = handlerOf("receiveStock");
export const getInventory = handlerOf("getInventory");
export const getBestsellers = handlerOf("getBestsellers");
export const getProjectionStatus = handlerOf("getProjectionStatus");
export const getCart = handlerOf("getCart");
export const addCartItem = handlerOf("addCartItem");
export const changeCartItem = handlerOf("changeCartItem");
export const removeCartItem = handlerOf("removeCartItem");
export const checkout = handlerOf("checkout");
export const listOrders = handlerOf("listOrders");
export const getOrder = handlerOf("getOrder");
export const cancelOrder = handlerOf("cancelOrder");
export const payOrder = handlerOf("payOrder");
export const getStreamEvents = handlerOf("getStreamEvents");
export const getOpenApi = handlerOf("getOpenApi");
