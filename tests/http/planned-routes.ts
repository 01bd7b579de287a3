import * as t from "io-ts";
import * as books from "../../handlers/http/codecs/books.js";
import * as cart from "../../handlers/http/codecs/cart.js";
import * as checkout from "../../handlers/http/codecs/checkout.js";
import { BookIdPath, CommandAccepted, NoPath, NoQuery } from "../../handlers/http/codecs/common.js";
import * as inventory from "../../handlers/http/codecs/inventory.js";
import * as orders from "../../handlers/http/codecs/orders.js";
import { RateBookBody } from "../../handlers/http/codecs/ratings.js";
import * as streams from "../../handlers/http/codecs/streams.js";
import { problem } from "../../handlers/http/problem.js";
import { type Auth, type AnyRoute, type Method, defineRoute } from "../../handlers/http/route.js";

/**
 * DESIGN.md's routes with the real codecs and a 501 handler: until the domain wires them, this
 * fixture is how the OpenAPI generator and the codecs are exercised on the whole contract.
 */
const planned = (
  operationId: string,
  method: Method,
  path: string,
  auth: Auth,
  request: { path: t.Mixed; query: t.Mixed; body?: t.Mixed },
  response: { status: 200 | 201; codec: t.Mixed },
  problems: number[] = [],
): AnyRoute =>
  defineRoute({ operationId, method, path, auth, summary: operationId, request, response, problems, handler: async () => problem(501, "Not wired yet.") });

const none = { path: NoPath, query: NoQuery };
const book = { path: BookIdPath, query: NoQuery };
const order = { path: orders.OrderIdPath, query: NoQuery };
const accepted = { status: 200 as const, codec: CommandAccepted };

export const plannedRoutes: readonly AnyRoute[] = [
  planned("addBook", "POST", "/books", "admin", { ...none, body: books.AddBookBody }, { status: 201, codec: books.BookAddedResponse }, [409, 422]),
  planned("changeBookDetails", "PATCH", "/books/{bookId}", "admin", { ...book, body: books.ChangeBookDetailsBody }, accepted, [409]),
  planned("changeBookPrice", "PUT", "/books/{bookId}/price", "admin", { ...book, body: books.ChangePriceBody }, accepted, [409]),
  planned("discontinueBook", "POST", "/books/{bookId}/discontinue", "admin", book, accepted, [409, 422]),
  planned("receiveStock", "POST", "/inventory/{bookId}/receipts", "admin", { ...book, body: inventory.ReceiveStockBody }, accepted, [409, 422]),
  planned("getInventory", "GET", "/inventory/{bookId}", "public", book, { status: 200, codec: inventory.InventoryView }, [501]),
  planned("searchBooks", "GET", "/books", "public", { path: NoPath, query: books.SearchBooksQuery }, { status: 200, codec: books.BookPage }, [501]),
  planned("getBook", "GET", "/books/{bookId}", "public", book, { status: 200, codec: books.BookView }, [501]),
  planned("getBestsellers", "GET", "/bestsellers", "public", none, { status: 200, codec: books.Bestsellers }, [501]),
  planned("getCart", "GET", "/cart", "customer", none, { status: 200, codec: cart.CartView }, [501]),
  planned("addCartItem", "POST", "/cart/items", "customer", { ...none, body: cart.AddCartItemBody }, accepted, [409, 422]),
  planned("changeCartItem", "PATCH", "/cart/items/{bookId}", "customer", { ...book, body: cart.ChangeCartItemBody }, accepted, [409]),
  planned("removeCartItem", "DELETE", "/cart/items/{bookId}", "customer", book, accepted, [409]),
  planned("checkout", "POST", "/checkout", "customer", { ...none, body: checkout.CheckoutBody }, { status: 201, codec: checkout.OrderPlacedResponse }, [409, 422]),
  planned("listOrders", "GET", "/orders", "customer", { path: NoPath, query: orders.OrdersQuery }, { status: 200, codec: orders.OrderHistory }, [501]),
  planned("getOrder", "GET", "/orders/{orderId}", "customer", order, { status: 200, codec: orders.OrderView }, [501]),
  planned("cancelOrder", "POST", "/orders/{orderId}/cancel", "customer", order, accepted, [409, 422]),
  planned("rateBook", "POST", "/books/{bookId}/ratings", "customer", { ...book, body: RateBookBody }, accepted, [409, 422]),
  planned("getStreamEvents", "GET", "/streams/{streamId}/events", "admin", { path: streams.StreamIdPath, query: streams.StreamEventsQuery }, { status: 200, codec: streams.StreamEvents }),
];
