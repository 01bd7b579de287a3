import * as t from "io-ts";
import { AddBookBody, BookAddedResponse, SearchBooksQuery } from "../../handlers/http/codecs/books.js";
import { AddCartItemBody } from "../../handlers/http/codecs/cart.js";
import { CheckoutBody } from "../../handlers/http/codecs/checkout.js";
import { NoPath, NoQuery } from "../../handlers/http/codecs/common.js";
import { openApiRoute } from "../../handlers/http/openapi-route.js";
import { problemForError } from "../../handlers/http/problem.js";
import { created, ok } from "../../handlers/http/result.js";
import { type AnyRoute, defineRoute } from "../../handlers/http/route.js";
import { strict } from "../../handlers/http/codecs/strict.js";

/**
 * A throwaway route table for the HTTP layer's own tests, standing in for the domain routes.
 * Its handlers echo what reached them, so a test sees exactly what a real handler would get.
 */
const Echo = t.UnknownRecord;

export const fixtureRoutes: readonly AnyRoute[] = [
  defineRoute({
    operationId: "whoAmI",
    method: "GET",
    path: "/whoami",
    auth: "customer",
    summary: "The caller's claims as the handler sees them",
    request: { path: NoPath, query: NoQuery },
    response: { status: 200, codec: Echo },
    handler: async ({ claims, correlationId }) => ok({ claims, correlationId }),
  }),
  defineRoute({
    operationId: "publicWhoAmI",
    method: "GET",
    path: "/public/whoami",
    auth: "public",
    summary: "A public route: claims only when a valid token came along",
    request: { path: NoPath, query: NoQuery },
    response: { status: 200, codec: Echo },
    handler: async ({ claims }) => ok({ sub: claims?.sub ?? null }),
  }),
  defineRoute({
    operationId: "searchBooks",
    method: "GET",
    path: "/books",
    auth: "public",
    summary: "Echoes the decoded query",
    request: { path: NoPath, query: SearchBooksQuery },
    response: { status: 200, codec: Echo },
    handler: async ({ query }) => ok({ query }),
  }),
  defineRoute({
    operationId: "addCartItem",
    method: "POST",
    path: "/cart/items",
    auth: "customer",
    summary: "Echoes the decoded body",
    request: { path: NoPath, query: NoQuery, body: AddCartItemBody },
    response: { status: 201, codec: Echo },
    handler: async ({ body, claims, idempotencyKey }) => created({ body, sub: claims?.sub, idempotencyKey: idempotencyKey ?? null }),
  }),
  defineRoute({
    operationId: "addBook",
    method: "POST",
    path: "/books",
    auth: "admin",
    summary: "An admin-only command",
    request: { path: NoPath, query: NoQuery, body: AddBookBody },
    response: { status: 201, codec: BookAddedResponse },
    handler: async () => created({ bookId: "01JBOOK", version: 1 } as t.TypeOf<typeof BookAddedResponse>),
  }),
  defineRoute({
    operationId: "checkout",
    method: "POST",
    path: "/checkout",
    auth: "customer",
    summary: "An optional body",
    request: { path: NoPath, query: NoQuery, body: CheckoutBody },
    response: { status: 201, codec: Echo },
    handler: async ({ body }) => created({ body: body ?? null }),
  }),
  defineRoute({
    operationId: "refuse",
    method: "POST",
    path: "/refusals/{kind}",
    auth: "customer",
    summary: "Answers with the domain error named in the path",
    request: { path: strict("RefusalPath", { kind: t.string }), query: NoQuery },
    response: { status: 200, codec: Echo },
    handler: async ({ path }) => {
      const refusal = { kind: path.kind, message: `refused: ${path.kind}`, lines: [{ bookId: "b1", requested: 3, available: 1 }] };
      return problemForError(refusal);
    },
  }),
  defineRoute({
    operationId: "boom",
    method: "GET",
    path: "/boom",
    auth: "public",
    summary: "A handler with a bug",
    request: { path: NoPath, query: NoQuery },
    response: { status: 200, codec: Echo },
    handler: async () => {
      throw new Error("connection string secret=hunter2 leaked into an error");
    },
  }),
  openApiRoute(() => fixtureRoutes),
];
