import { STATUS_CODES } from "node:http";
import { type JsonSchema } from "./json-schema-hints.js";
import { fieldsOf, SchemaComponents, toJsonSchema } from "./json-schema.js";
import { MAX_BODY_BYTES, MAX_JSON_DEPTH } from "./request-body.js";
import { MAX_LISTED_ERRORS, PROBLEM_CONTENT_TYPE } from "./problem.js";
import { retryAfterHeader } from "./queries/unavailable.js";
import { type AnyRoute, pathParameters } from "./route.js";

export type OpenApiDocument = JsonSchema & { readonly paths: Record<string, Record<string, JsonSchema>> };

const SECURITY = "cognitoJwt";

const problemSchema: JsonSchema = {
  type: "object",
  description: "RFC 9457 problem details.",
  required: ["type", "title", "status", "detail"],
  properties: {
    type: { type: "string", format: "uri-reference" },
    title: { type: "string" },
    status: { type: "integer", minimum: 400, maximum: 599 },
    detail: { type: "string" },
    correlationId: { type: "string", description: "Quote it when reporting a problem." },
    errors: {
      type: "array",
      description: "The failing fields of a validation problem, and why.",
      items: {
        type: "object",
        required: ["in", "detail"],
        properties: {
          in: { enum: ["body", "query", "path", "header"] },
          pointer: { type: "string", description: "A JSON Pointer (as a URI fragment) into the body." },
          parameter: { type: "string" },
          detail: { type: "string" },
        },
      },
    },
  },
};

/** What the route says of itself, and that an admin route needs the admin group. */
const description = (route: AnyRoute): { description?: string } => {
  const parts = [route.description, route.auth === "admin" ? "Needs a token of the `admin` group (`cognito:groups`)." : undefined].filter(
    (p): p is string => p !== undefined,
  );
  return parts.length === 0 ? {} : { description: parts.join("\n\n") };
};

const problemResponse = (status: number, description: string): JsonSchema => ({
  description,
  // Only a read model's outage answers 503, and it always says when to come back.
  ...(status === 503 ? { headers: retryAfterHeader } : {}),
  content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: "#/components/schemas/Problem" } } },
});

const problemDescriptions: Record<number, string> = {
  400: `Malformed JSON, JSON nested more than ${MAX_JSON_DEPTH} levels deep or naming a key twice in one object, or fields that fail validation (the first ${MAX_LISTED_ERRORS} listed in \`errors\`).`,
  401: "No valid bearer token, or one whose subject (`sub`) is not an identity this API accepts (an id of 1-64 letters, digits, '-' or '_').",
  403: "The token's user is not in the group this operation needs.",
  404: "No such resource, or not yours.",
  409: "A business rule or a concurrent change refused the command.",
  413: `The body is over ${MAX_BODY_BYTES} bytes.`,
  415: "The body is not application/json.",
  422: "The Idempotency-Key was already used with a different request.",
  500: "A fault on our side; the problem carries a correlation id.",
  503: "The read model this query answers from is unavailable: its server is down, restarting, too slow, or not running (search, when started without it). Retry after `Retry-After` seconds; commands are not affected.",
};

const problemStatuses = (route: AnyRoute): number[] => {
  const statuses = new Set([400, 500, ...(route.problems ?? [])]);
  if (route.auth !== "public") statuses.add(401);
  if (route.auth === "admin") statuses.add(403);
  if (pathParameters(route.path).length > 0) statuses.add(404);
  if (route.request.body !== undefined) [413, 415].forEach((s) => statuses.add(s));
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
      ? [{ name: "Idempotency-Key", in: "header", required: false, description: "Makes a retry of this command safe.", schema: { type: "string", pattern: "^[\\x21-\\x7e]{1,255}$" } }]
      : []),
  ];
  const { status, codec } = route.response;
  const success: JsonSchema = {
    description: STATUS_CODES[status] ?? "Success",
    ...(route.response.headers === undefined ? {} : { headers: route.response.headers }),
    ...(codec !== undefined && status !== 204 ? { content: { "application/json": { schema: toJsonSchema(codec, components) } } } : {}),
  };
  const body = route.request.body;
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.tags ? { tags: [...route.tags] } : {}),
    security: security(route),
    ...description(route),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body !== undefined
      ? { requestBody: { required: !body.is(undefined), content: { "application/json": { schema: toJsonSchema(body, components) } } } }
      : {}),
    responses: {
      [String(status)]: success,
      ...Object.fromEntries(problemStatuses(route).map((s) => [String(s), problemResponse(s, problemDescriptions[s] ?? STATUS_CODES[s] ?? "Problem")])),
    },
  };
};

/** The OpenAPI 3.1 document of a route table: paths, schemas from the io-ts codecs, security, problems. */
export const openApiDocument = (routes: readonly AnyRoute[], version = "1.0.0"): OpenApiDocument => {
  const components = new SchemaComponents();
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const item = (paths[route.path] ??= {});
    const method = route.method.toLowerCase();
    if (item[method] !== undefined) throw new Error(`${route.method} ${route.path} is in the route table twice`);
    item[method] = operation(route, components);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Bookstore API",
      version,
      description: "An event-sourced bookstore. Errors are RFC 9457 problem details (application/problem+json).",
    },
    paths,
    components: {
      schemas: { Problem: problemSchema, ...components.schemas },
      securitySchemes: {
        [SECURITY]: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "A Cognito user pool token (RS256). Identity is `sub`; the `admin` group is in `cognito:groups`.",
        },
      },
    },
  };
};
