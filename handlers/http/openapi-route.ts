import * as t from "io-ts";
import { NoPath, NoQuery } from "./codecs/common.js";
import { openApiDocument, type OpenApiDocument } from "./openapi.js";
import { ok } from "./result.js";
import { type AnyRoute, defineRoute } from "./route.js";
import { catalogueCache } from "./caching.js";

const OpenApiJson = t.UnknownRecord;

/** `GET /openapi.json`, generated once from the table it belongs to (passed lazily: it is in it). */
export const openApiRoute = (table: () => readonly AnyRoute[]): AnyRoute => {
  let document: OpenApiDocument | undefined;
  return defineRoute({
    operationId: "getOpenApi",
    method: "GET",
    path: "/openapi.json",
    auth: "public",
    summary: "This API's OpenAPI 3.1 document",
    tags: ["meta"],
    request: { path: NoPath, query: NoQuery },
    response: { status: 200, codec: OpenApiJson, cache: catalogueCache },
    handler: async () => ok((document ??= openApiDocument(table()))),
  });
};
