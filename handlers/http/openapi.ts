import { STATUS_CODES } from "node:http";
import { type JsonSchema } from "./json-schema-hints.js";
import { cacheResponseHeaders, ENTITY_TAGS } from "./caching.js";
import { fieldsOf, SchemaComponents, toJsonSchema } from "./json-schema.js";
import { MAX_BODY_BYTES, MAX_JSON_DEPTH } from "./request-body.js";
import { MAX_LISTED_ERRORS, PROBLEM_CONTENT_TYPE } from "./problem.js";
import { retryAfterHeader } from "./queries/unavailable.js";
import { type AnyRoute, groupsFor, pathParameters } from "./route.js";
import { MAX_LINES, MAX_TOTAL_CENTS } from "../../domain/cart.js";
import { THROTTLED_BODY, throttleClassOf, throttlesFor, type ThrottleClass } from "./throttling.js";
import pkg from "../../package.json" with { type: "json" };

export type OpenApiDocument = JsonSchema & { readonly paths: Record<string, Record<string, JsonSchema>> };

const SECURITY = "cognitoJwt";

/** Text for a person to read: never blank. */
const prose = (maxLength: number, description?: string): JsonSchema => ({ type: "string", maxLength, pattern: "\\S", ...(description ? { description } : {}) });

const problemSchema: JsonSchema = {
  type: "object",
  description: "RFC 9457 problem details.",
  required: ["type", "title", "status", "detail"],
  properties: {
    type: { type: "string", format: "uri-reference", maxLength: 200 },
    title: prose(200),
    status: { type: "integer", format: "int32", minimum: 400, maximum: 599 },
    // At most MAX_LISTED_ERRORS fields, each named by a pointer of clipped keys.
    detail: prose(65_536),
    correlationId: { type: "string", maxLength: 128, pattern: "^[A-Za-z0-9._:/+=-]{1,128}$", description: "Quote it when reporting a problem." },
    errors: {
      type: "array",
      maxItems: MAX_LISTED_ERRORS,
      description: "The failing fields of a validation problem, and why.",
      items: {
        type: "object",
        required: ["in", "detail"],
        properties: {
          in: { enum: ["body", "query", "path", "header"] },
          pointer: { type: "string", maxLength: 4096, pattern: "^#(/[^/]*)*$", description: "A JSON Pointer (as a URI fragment) into the body." },
          // An unknown parameter is named as the client sent it, whatever its characters, clipped to 64.
          parameter: { type: "string", maxLength: 64, pattern: "^[\\s\\S]{0,64}$", description: "The parameter's name as it was sent." },
          detail: prose(4096),
        },
      },
    },
  },
};

/** API Gateway's own answer past a route's throttling limit; it cannot be made a problem. */
const throttledSchema: JsonSchema = {
  type: "object",
  description: "What API Gateway answers when it throttles a route.",
  required: ["message"],
  properties: { message: { const: THROTTLED_BODY.message } },
};

const CORS_HEADER = "Access-Control-Allow-Origin";
const corsHeader: JsonSchema = {
  description:
    "The request's `Origin` when it is one the stage allows (`CORS_ALLOW_ORIGINS`; any origin outside prod when none is configured, never `*` in prod). Absent from the local runtime.",
  schema: { type: "string", maxLength: 2048, pattern: "^(\\*|https?://[^\\s/]+)$" },
};
const withCors = (headers: Record<string, unknown> = {}): Record<string, unknown> => ({
  [CORS_HEADER]: { $ref: `#/components/headers/${CORS_HEADER}` },
  ...headers,
});

const throttleWords: Record<ThrottleClass, string> = { read: "a query", write: "a command", checkout: "a command that charges a payment" };
const describeThrottle = (cls: ThrottleClass): string => {
  const [prod, other] = [throttlesFor("prod")[cls], throttlesFor("staging")[cls]];
  return `API Gateway throttles this route as ${throttleWords[cls]}: ${prod.rateLimit} requests a second (bursts of ${prod.burstLimit}) in prod, ${other.rateLimit} (bursts of ${other.burstLimit}) in other stages, shared by every caller. Back off and retry; the local runtime also says when in \`Retry-After\`, API Gateway does not.`;
};

const throttledResponse = (route: AnyRoute): JsonSchema => ({
  description: describeThrottle(throttleClassOf(route)),
  headers: withCors({
    "Retry-After": {
      description: "Seconds until the route takes a request again (local runtime only).",
      schema: { type: "integer", format: "int32", minimum: 1, maximum: 3600 },
    },
  }),
  content: { "application/json": { schema: { $ref: "#/components/schemas/Throttled" } } },
});

/** Every tag the route table uses, with what its operations are about. */
const tagDescriptions: Record<string, string> = {
  catalogue: "Books: adding and changing them (admin), finding them, their ratings and the bestseller lists.",
  inventory: "Stock on hand and reserved per book; receiving stock (admin) and correcting counts (admin or warehouse).",
  cart: `A customer's cart: at most ${MAX_LINES} different books, 1-99 copies each, one currency, totals of at most ${MAX_TOTAL_CENTS} cents.`,
  orders: "Checkout, payment, order history and cancellation.",
  fulfilment: "Shipments and deliveries recorded by warehouse staff, and status reports from the order management system (`oms`).",
  operations: "What an operator reads: event streams and projection status (admin).",
  meta: "This document.",
};

/**
 * Rules of the OWASP API security ruleset that do not apply where this is set, and why, in the
 * document's own words; the test that lints the document honours them and counts them.
 */
const LINT_EXEMPT = "x-lint-exempt";

/** What the route says of itself, and the groups it needs. */
const description = (route: AnyRoute): { description?: string } => {
  const groups = groupsFor(route.auth);
  const needs = groups.length === 0 ? undefined : `Needs a token of the ${groups.map((g) => `\`${g}\``).join(" or ")} group (\`cognito:groups\`).`;
  const parts = [route.description, needs].filter(
    (p): p is string => p !== undefined,
  );
  return parts.length === 0 ? {} : { description: parts.join("\n\n") };
};

const problemResponse = (status: number, description: string): JsonSchema => ({
  description,
  // Only a read model's outage answers 503, and it always says when to come back.
  headers: withCors(status === 503 ? retryAfterHeader : {}),
  content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: "#/components/schemas/Problem" } } },
});

const problemDescriptions: Record<number, string> = {
  400: `Malformed JSON, JSON nested more than ${MAX_JSON_DEPTH} levels deep or naming a key twice in one object, or fields that fail validation (the first ${MAX_LISTED_ERRORS} listed in \`errors\`).`,
  401: "No valid bearer token, or one whose subject (`sub`) is not an identity this API accepts (an id of 1-64 letters, digits, '-' or '_').",
  403: "The token's user is not in the group this operation needs.",
  404: "No such resource, or not yours.",
  409: "A business rule or a concurrent change refused the command.",
  413: `The body is over ${MAX_BODY_BYTES} bytes.`,
  412: "`If-Match` named a version the resource has moved on from: read it again (its `ETag`), then decide again.",
  415: "The body is not application/json.",
  422: `The Idempotency-Key was already used with a different request (\`idempotency-key-reused\`), a cart line, a cart or an order would total more than ${MAX_TOTAL_CENTS} cents (\`limit-exceeded\`, with \`scope\`, \`totalCents\` and \`maxCents\`), or something the request cannot do without is missing, such as a checkout's shipping address (\`missing-information\`, the field in \`errors\`).`,
  500: "A fault on our side; the problem carries a correlation id.",
  503: "The read model this query answers from is unavailable: its server is down, restarting, too slow, or not running (search, when started without it). Retry after `Retry-After` seconds; commands are not affected.",
};

const problemStatuses = (route: AnyRoute): number[] => {
  const statuses = new Set([400, 500, ...(route.problems ?? [])]);
  if (route.auth !== "public") statuses.add(401);
  if (groupsFor(route.auth).length > 0) statuses.add(403);
  if (pathParameters(route.path).length > 0) statuses.add(404);
  if (route.request.body !== undefined) [413, 415].forEach((s) => statuses.add(s));
  // Every command takes an Idempotency-Key, and a key reused with another request is a 422.
  if (route.method === "POST") statuses.add(422);
  return [...statuses].sort();
};

const security = (route: AnyRoute): JsonSchema[] =>
  route.auth === "public" ? [{}, { [SECURITY]: [] }] : [{ [SECURITY]: [] }];

const operation = (route: AnyRoute, components: SchemaComponents): JsonSchema => {
  const placeholders = pathParameters(route.path);
  const pathFields = fieldsOf(route.request.path);
  const names = pathFields.map((f) => f.name);
  if (placeholders.length !== names.length || placeholders.some((p) => !names.includes(p))) {
    throw new Error(`${route.method} ${route.path}: path codec fields [${names}] differ from the placeholders`);
  }
  const parameters = [
    ...pathFields.map((f) => ({ name: f.name, in: "path", required: true, schema: toJsonSchema(f.codec, components) })),
    ...fieldsOf(route.request.query).map((f) => ({ name: f.name, in: "query", required: f.required, schema: toJsonSchema(f.codec, components) })),
    ...(route.method === "POST"
      ? [{ name: "Idempotency-Key", in: "header", required: false, description: "Makes a retry of this command safe.", schema: { type: "string", maxLength: 255, pattern: "^[\\x21-\\x7e]{1,255}$" } }]
      : []),
    ...(route.conditional === true
      ? [{ name: "If-Match", in: "header", required: false, description: 'The version the change is made on, as an `ETag` of the resource gives it (`"3"`, or a book page\'s `"3.12"`): 412 if it has moved on.', schema: { type: "string", maxLength: 40, pattern: '^(W/)?"[1-9][0-9]{0,14}(\\.[0-9]{1,16})?"$' } }]
      : []),
    ...(route.response.cache === undefined
      ? []
      : [{ name: "If-None-Match", in: "header", required: false, description: "An `ETag` this operation answered: 304 while it is current.", schema: { type: "string", maxLength: 1024, pattern: ENTITY_TAGS.source } }]),
  ];
  const { status, codec } = route.response;
  const success: JsonSchema = {
    description: STATUS_CODES[status] ?? "Success",
    headers: withCors({
      ...route.response.headers,
      ...(route.response.cache === undefined ? {} : cacheResponseHeaders(route.response.cache)),
      ...(route.conditional === true ? { etag: { description: "The new version, for the next `If-Match`.", schema: { type: "string", maxLength: 17, pattern: '^"[1-9][0-9]{0,14}"$' } } } : {}),
    }),
    ...(codec !== undefined && status !== 204 ? { content: { "application/json": { schema: toJsonSchema(codec, components) } } } : {}),
  };
  const body = route.request.body;
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.tags ? { tags: [...route.tags] } : {}),
    security: security(route),
    ...(route.auth === "public"
      ? { [LINT_EXEMPT]: { "owasp:api8:2023-define-error-responses-401": "A public route has no authorizer: no token is checked, so none is refused." } }
      : {}),
    ...description(route),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body !== undefined
      ? { requestBody: { required: !body.is(undefined), content: { "application/json": { schema: toJsonSchema(body, components) } } } }
      : {}),
    responses: {
      [String(status)]: success,
      ...Object.fromEntries(problemStatuses(route).map((s) => [String(s), problemResponse(s, problemDescriptions[s] ?? STATUS_CODES[s] ?? "Problem")])),
      ...(route.response.cache === undefined ? {} : { "304": { description: "Not Modified: the `If-None-Match` validator is the current one.", headers: withCors() } }),
      "429": throttledResponse(route),
    },
  };
};

/** The OpenAPI 3.1 document of a route table: paths, schemas from the io-ts codecs, security, problems. */
export const openApiDocument = (routes: readonly AnyRoute[], version: string = pkg.version): OpenApiDocument => {
  const components = new SchemaComponents();
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const item = (paths[route.path] ??= {});
    const method = route.method.toLowerCase();
    if (item[method] !== undefined) throw new Error(`${route.method} ${route.path} is in the route table twice`);
    item[method] = operation(route, components);
  }
  const tags = [...new Set(routes.flatMap((r) => r.tags ?? []))].sort();
  const undescribed = tags.filter((t) => tagDescriptions[t] === undefined);
  if (undescribed.length > 0) throw new Error(`tags without a description: ${undescribed.join(", ")}`);
  return {
    openapi: "3.1.0",
    info: {
      title: "Bookstore API",
      version,
      description: [
        "An event-sourced bookstore. Errors are RFC 9457 problem details (application/problem+json).",
        `Limits: a cart holds at most ${MAX_LINES} different books, 1-99 copies of each; a cart line, a cart and an order each total at most ${MAX_TOTAL_CENTS} cents, what one payment may charge (a \`422\` past it). Every route is throttled by API Gateway (a \`429\`, described on each operation): checkout and payment lowest, other commands lower than queries.`,
      ].join("\n\n"),
    },
    servers: [
      {
        url: "https://{apiId}.execute-api.{region}.amazonaws.com",
        description: "A deployed stage, staging or production: the `api` output of `sst deploy`.",
        variables: {
          apiId: { default: "abcdef1234", description: "The HTTP API's id." },
          region: { default: "eu-west-1", description: "The stage's AWS region." },
        },
        "x-internal": false,
      },
      {
        url: "http://localhost:3000",
        description: "The local runtime (`npm start`), for development and tests.",
        "x-internal": true,
        [LINT_EXEMPT]: { "owasp:api8:2023-no-server-http": "The local runtime listens on the loopback interface only; no traffic leaves the machine." },
      },
    ],
    tags: tags.map((name) => ({ name, description: tagDescriptions[name] })),
    [LINT_EXEMPT]: {
      "owasp:api4:2023-rate-limit":
        "API Gateway HTTP APIs throttle without RateLimit headers and cannot add them; the limits are stated on each operation's 429 instead.",
    },
    paths,
    components: {
      schemas: { Problem: problemSchema, Throttled: throttledSchema, ...components.schemas },
      headers: { [CORS_HEADER]: corsHeader },
      securitySchemes: {
        [SECURITY]: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description:
            "A Cognito user pool token (RS256). Identity is `sub`; the `admin` group is in `cognito:groups`. Verified as RFC8725 advises: the algorithm is fixed (RS256 only, never `none`), the key comes from the issuer's JWKS, and issuer, audience (or `client_id`) and expiry are checked.",
        },
      },
    },
  };
};
