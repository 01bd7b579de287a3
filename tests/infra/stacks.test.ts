import { beforeAll, describe, expect, it } from "vitest";
import { throttleClassOf, throttlesFor } from "../../handlers/http/throttling.js";
import { componentName, projectorHandler, routeHandler, routeKey } from "../../stacks/naming.js";
import { registries } from "../../stacks/registries.js";
import { eventsTable, keys } from "../../store/tables.js";
import { queues } from "../../projections/queues.js";
import { fixtureProjections, fixtureRegistries, fixtureRoutes } from "./fixture-registries.js";
import {
  actionsOn,
  allStatements,
  arnOf,
  environmentOf,
  functionOfMapping,
  functionOfRoute,
  handlerOf,
  itemActionsOn,
  ofType,
  one,
  routeNamed,
  routes,
  statementsOf,
  table,
} from "./resources.js";
import { type Synthesis, synthesize } from "./synthesize.js";
import { cdnBehaviours, pathPatternOf } from "../../stacks/cdn.js";
import { catalogueCache } from "../../handlers/http/caching.js";

// The stacks of a `dev` stage, built from the real registries plus a fixture route and projection
// per kind, under Pulumi's mocks with SST's real components.
let s: Synthesis;
beforeAll(async () => {
  const { bookstore } = await import("../../stacks/index.js");
  s = await synthesize("dev", () => bookstore(fixtureRegistries));
}, 300_000);

const mappingOf = (name: string) => one(s, "aws:lambda/eventSourceMapping:EventSourceMapping", `EventsSubscriber${componentName(name)}ProjectorEventSourceMapping`);
const deadLettersOf = (name: string) => one(s, "aws:sqs/queue:Queue", `${componentName(name)}DeadLettersQueue`);
const reads = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"];

describe("tables", () => {
  it("the events table has the event store's keys and index, a NEW_IMAGE stream and a TTL on idempotency records", () => {
    const events = table(s, "Events").inputs;
    const defined = eventsTable("events");
    expect(events.attributes).toEqual(defined.AttributeDefinitions?.map((a) => ({ name: a.AttributeName, type: a.AttributeType })));
    expect([events.hashKey, events.rangeKey]).toEqual([keys.pk, keys.sk]);
    expect(events.globalSecondaryIndexes).toEqual([{ name: keys.byTime.indexName, hashKey: keys.byTime.pk, rangeKey: keys.byTime.sk, projectionType: "ALL" }]);
    expect(events.streamEnabled).toBe(true);
    expect(events.streamViewType).toBe("NEW_IMAGE");
    expect(events.ttl).toEqual({ attributeName: keys.ttl, enabled: true });
    expect(events.billingMode).toBe("PAY_PER_REQUEST");
  });

  it("the views table has no stream", () => {
    expect(table(s, "Views").inputs.streamEnabled).toBe(false);
  });

  it("outside prod the tables can be removed", () => {
    for (const t of [table(s, "Events"), table(s, "Views")]) {
      expect(t.retainOnDelete).toBe(false);
      expect(t.inputs.deletionProtectionEnabled).toBe(false);
    }
  });
});

describe("API", () => {
  it("every route of the route table has exactly one API route, and there are no others", () => {
    const declared = routes(s).map((r) => r.inputs.routeKey as string);
    expect(declared.sort()).toEqual(fixtureRegistries.routes.map(routeKey).sort());
  });

  it("customer and admin routes pass the Cognito JWT authorizer, public routes none", () => {
    const authorizer = one(s, "aws:apigatewayv2/authorizer:Authorizer", "ApiAuthorizerCognitoAuthorizer");
    for (const route of fixtureRegistries.routes) {
      const declared = routeNamed(s, routeKey(route)).inputs;
      if (route.auth === "public") {
        expect(declared.authorizationType, routeKey(route)).toBe("NONE");
        expect(declared.authorizerId, routeKey(route)).toBeUndefined();
      } else {
        expect(declared.authorizationType, routeKey(route)).toBe("JWT");
        expect(declared.authorizerId, routeKey(route)).toBe(`${authorizer.name}-id`);
      }
    }
  });

  it("the user pool has every group a route needs: admin, warehouse staff and the OMS client", () => {
    const pool = one(s, "aws:cognito/userPool:UserPool", "UsersUserPool");
    const groups = ["admin", "oms", "warehouse"].map((g) => one(s, "aws:cognito/userGroup:UserGroup", `UsersGroup${g[0]!.toUpperCase()}${g.slice(1)}`).inputs);
    expect(groups.map((g) => [g.name, g.userPoolId])).toEqual(["admin", "oms", "warehouse"].map((g) => [g, `${pool.name}-id`]));
  });

  it("the authorizer accepts the tokens Cognito issues to the web client", () => {
    const { authorizerType, jwtConfiguration, identitySources } = one(s, "aws:apigatewayv2/authorizer:Authorizer", "ApiAuthorizerCognitoAuthorizer").inputs;
    const pool = one(s, "aws:cognito/userPool:UserPool", "UsersUserPool");
    const client = one(s, "aws:cognito/userPoolClient:UserPoolClient", "WebClient");
    expect(authorizerType).toBe("JWT");
    expect(identitySources).toEqual(["$request.header.Authorization"]);
    expect(jwtConfiguration).toEqual({ issuer: `https://cognito-idp.eu-west-1.amazonaws.com/${pool.name}-id`, audiences: [`${client.name}-id`] });
  });

  it("each route runs a function of its own: handlers/http/api.ts's entry, told its route by OPERATION_ID", () => {
    const functions = fixtureRegistries.routes.map((route) => {
      const fn = functionOfRoute(s, routeNamed(s, routeKey(route)));
      expect(handlerOf(s, fn), routeKey(route)).toBe(routeHandler(route));
      expect(environmentOf(fn).OPERATION_ID, routeKey(route)).toBe(route.operationId);
      return fn.name;
    });
    expect(new Set(functions).size).toBe(fixtureRegistries.routes.length);
  });

  it("is throttled, answers CORS preflights for the route table's methods and headers, and logs access", () => {
    const stage = one(s, "aws:apigatewayv2/stage:Stage", "ApiStage").inputs;
    expect(stage.defaultRouteSettings.throttlingRateLimit).toBeGreaterThan(0);
    expect(stage.defaultRouteSettings.throttlingBurstLimit).toBeGreaterThan(0);
    const logGroup = one(s, "aws:cloudwatch/logGroup:LogGroup", "ApiAccessLog");
    expect(stage.accessLogSettings.destinationArn).toBe(arnOf(logGroup));
    expect(JSON.parse(stage.accessLogSettings.format)).toHaveProperty("routeKey");
    const cors = one(s, "aws:apigatewayv2/api:Api", "ApiApi").inputs.corsConfiguration;
    expect(cors.allowMethods.sort()).toEqual([...new Set(fixtureRegistries.routes.map((r) => r.method))].sort());
    expect(cors.allowHeaders).toEqual(expect.arrayContaining(["authorization", "content-type", "idempotency-key", "x-correlation-id"]));
    // Outside prod, with no origins configured, a developer's own front end may call it.
    expect(cors.allowOrigins).toEqual(["*"]);
  });

  it("throttles every route on its own, checkout and writes lower than reads, as the route table's classes say", () => {
    const stage = one(s, "aws:apigatewayv2/stage:Stage", "ApiStage").inputs;
    const limits = throttlesFor("dev");
    const settings = new Map((stage.routeSettings as { routeKey: string; throttlingRateLimit: number; throttlingBurstLimit: number }[]).map((r) => [r.routeKey, r]));
    expect([...settings.keys()].sort()).toEqual(fixtureRegistries.routes.map(routeKey).sort());
    for (const route of fixtureRegistries.routes) {
      const limit = limits[throttleClassOf(route)];
      expect(settings.get(routeKey(route)), routeKey(route)).toEqual({ routeKey: routeKey(route), throttlingRateLimit: limit.rateLimit, throttlingBurstLimit: limit.burstLimit });
    }
    expect(settings.get("POST /checkout")?.throttlingRateLimit).toBeLessThan(settings.get("POST /cart/items")?.throttlingRateLimit ?? 0);
    expect(settings.get("POST /cart/items")?.throttlingRateLimit).toBeLessThan(settings.get("GET /cart")?.throttlingRateLimit ?? 0);
    expect(stage.defaultRouteSettings).toEqual({ throttlingRateLimit: limits.read.rateLimit, throttlingBurstLimit: limits.read.burstLimit });
  });
});

describe("CDN", () => {
  const distribution = () => one(s, "aws:cloudfront/distribution:Distribution", "Cdn").inputs;
  // CloudFront's path patterns: `*` any run of characters, `/` included.
  const covers = (pattern: string, path: string) => new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.]/g, "\\.")).join(".*")}$`).test(path.replace(/\{[^}]+\}/g, "x"));

  it("caches exactly the route table's public reads that have a cache policy, keyed on nothing personal", () => {
    const cacheable = fixtureRegistries.routes.filter((r) => r.method === "GET" && r.auth === "public" && r.response?.cache !== undefined);
    expect(cacheable.map((r) => r.path)).toEqual(expect.arrayContaining(["/books", "/books/{bookId}", "/bestsellers", "/inventory/{bookId}", "/openapi.json", "/fixture-shelf/{shelfId}"]));
    const behaviours = distribution().orderedCacheBehaviors as Record<string, unknown>[];
    expect(behaviours.map((b) => b.pathPattern).sort()).toEqual([...new Set(cacheable.map((r) => pathPatternOf(r.path)))].sort());
    // CloudFront takes the first pattern that matches: the more specific first.
    const index = (p: string) => behaviours.findIndex((b) => b.pathPattern === p);
    expect(index("/books/*")).toBeLessThan(index("/books"));

    const policy = one(s, "aws:cloudfront/cachePolicy:CachePolicy", "CdnCataloguePolicy").inputs;
    for (const b of behaviours) {
      expect(b.cachePolicyId, String(b.pathPattern)).toBe("CdnCataloguePolicy-id");
      expect(b.cachedMethods).toEqual(["GET", "HEAD"]);
      expect(b.allowedMethods).toEqual(expect.arrayContaining(["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]));
      expect(b.viewerProtocolPolicy).toBe("redirect-to-https");
    }
    const key = policy.parametersInCacheKeyAndForwardedToOrigin;
    expect(key.queryStringsConfig).toEqual({ queryStringBehavior: "all" });
    expect(key.cookiesConfig).toEqual({ cookieBehavior: "none" });
    // The query and the CORS origin: never a token, a cookie or any other header of the caller's.
    expect(key.headersConfig).toEqual({ headerBehavior: "whitelist", headers: { items: ["origin"] } });
    // The API's Cache-Control decides: with no minimum, a private or no-store answer is never kept.
    expect(policy.minTtl).toBe(0);
    expect(policy.defaultTtl).toBe(0);
    expect(policy.maxTtl).toBeLessThanOrEqual(60);
    // The writes that share a cached path (PATCH /books/{bookId}) still get every header, the token included.
    for (const b of behaviours) expect(b.originRequestPolicyId).toBe("b689b0a8-53d0-40ab-baf2-68738e2966ac");
  });

  it("every customer's and admin's read falls to the default behaviour, which caches nothing and forwards everything", () => {
    const behaviours = distribution().orderedCacheBehaviors as { pathPattern: string }[];
    for (const route of fixtureRegistries.routes.filter((r) => r.method === "GET" && r.auth !== "public")) {
      expect(behaviours.filter((b) => covers(b.pathPattern, route.path)).map((b) => b.pathPattern), `${route.method} ${route.path}`).toEqual([]);
    }
    const fallback = distribution().defaultCacheBehavior;
    // AWS's managed CachingDisabled and AllViewerExceptHostHeader (API Gateway refuses CloudFront's Host).
    expect(fallback.cachePolicyId).toBe("4135ea2d-6df8-44a3-9df3-4b5a84be39ad");
    expect(fallback.originRequestPolicyId).toBe("b689b0a8-53d0-40ab-baf2-68738e2966ac");
    expect(fallback.allowedMethods).toEqual(expect.arrayContaining(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]));
  });

  it("its origin is the API over HTTPS, and the stack's output is its address", () => {
    const origins = distribution().origins as { domainName: string; customOriginConfig: { originProtocolPolicy: string } }[];
    expect(origins).toHaveLength(1);
    expect(origins[0]?.domainName).toMatch(/\.execute-api\.eu-west-1\.amazonaws\.com$/);
    expect(origins[0]?.customOriginConfig.originProtocolPolicy).toBe("https-only");
    expect(s.outputs.cdn).toMatch(/^https:\/\/[a-z0-9-]+\.cloudfront\.net$/);
  });

  it("refuses a route table in which a cached pattern would take a signed-in caller's read", () => {
    const table = [
      { operationId: "shelf", method: "GET", path: "/shelves/{shelfId}", auth: "public", response: { cache: catalogueCache } },
      { operationId: "myShelf", method: "GET", path: "/shelves/{shelfId}/mine", auth: "customer" },
    ] as const;
    expect(() => cdnBehaviours(table)).toThrow(/GET \/shelves\/\{shelfId\}\/mine \(customer/);
    // A write under the same pattern is fine: only GET and HEAD are cached.
    expect(cdnBehaviours([table[0], { operationId: "editShelf", method: "PATCH", path: "/shelves/{shelfId}", auth: "admin" }])).toEqual(["/shelves/*"]);
    expect(cdnBehaviours([table[0], { operationId: "other", method: "GET", path: "/shelf-counts", auth: "customer" }])).toEqual(["/shelves/*"]);
  });
});

describe("projectors", () => {
  it("every projection of the registry has exactly one event source mapping, on the events stream", () => {
    const mappings = ofType(s, "aws:lambda/eventSourceMapping:EventSourceMapping");
    expect(mappings).toHaveLength(fixtureRegistries.projections.length);
    for (const p of fixtureRegistries.projections) {
      const mapping = mappingOf(p.name);
      expect(mapping.inputs.eventSourceArn).toBe(`${arnOf(table(s, "Events"))}/stream/2025-01-01T00:00:00.000`);
      expect(handlerOf(s, functionOfMapping(s, mapping))).toBe(projectorHandler(p));
      expect(environmentOf(functionOfMapping(s, mapping)).PROJECTION_NAME).toBe(p.name);
    }
  });

  it("lets through only event items of the projection's types, with the registry's filter", () => {
    for (const p of fixtureRegistries.projections) {
      const filters = mappingOf(p.name).inputs.filterCriteria.filters as { pattern: string }[];
      expect(filters).toHaveLength(1);
      const pattern = JSON.parse(filters[0]?.pattern ?? "null");
      expect(pattern).toEqual(fixtureRegistries.filterCriteria(p));
      expect(pattern.dynamodb.NewImage.kind).toEqual({ S: ["event"] });
      expect(pattern.dynamodb.NewImage.type).toEqual({ S: [...p.eventTypes] });
    }
  });

  it("reads batches as the projection asks, from the oldest record, reporting partial failures", () => {
    for (const p of fixtureRegistries.projections) {
      expect(mappingOf(p.name).inputs).toMatchObject({
        batchSize: p.batch.batchSize,
        maximumBatchingWindowInSeconds: p.batch.maximumBatchingWindowSeconds,
        maximumRetryAttempts: p.batch.maximumRetryAttempts,
        bisectBatchOnFunctionError: p.batch.bisectBatchOnFunctionError,
        parallelizationFactor: p.batch.parallelizationFactor,
        functionResponseTypes: ["ReportBatchItemFailures"],
        startingPosition: "TRIM_HORIZON",
      });
    }
  });

  it("sends records that keep failing to the projection's own dead-letter queue, which its function may write to", () => {
    const queues = fixtureRegistries.projections.map((p) => {
      // Named as `bookstore dlq` and the local runtime look it up, kept a fortnight.
      expect(deadLettersOf(p.name).inputs).toMatchObject({ name: `bookstore-dev-${p.name}-failures`, messageRetentionSeconds: 14 * 24 * 3600 });
      const queue = arnOf(deadLettersOf(p.name));
      const mapping = mappingOf(p.name);
      expect(mapping.inputs.destinationConfig).toEqual({ onFailure: { destinationArn: queue } });
      expect(actionsOn(statementsOf(s, functionOfMapping(s, mapping)), queue)).toEqual(["sqs:SendMessage"]);
      return queue;
    });
    expect(new Set(queues).size).toBe(fixtureRegistries.projections.length);
  });

  it("raises alarms when a projector falls a minute behind the stream and when a dead letter arrives", () => {
    const alarms = ofType(s, "aws:cloudwatch/metricAlarm:MetricAlarm");
    const topic = arnOf(one(s, "aws:sns/topic:Topic", "AlarmsTopic"));
    for (const p of fixtureRegistries.projections) {
      const fn = functionOfMapping(s, mappingOf(p.name));
      const age = alarms.filter((a) => a.inputs.metricName === "IteratorAge" && a.inputs.dimensions.FunctionName === fn.inputs.name);
      expect(age, p.name).toHaveLength(1);
      expect(age[0]?.inputs).toMatchObject({ threshold: 60_000, comparisonOperator: "GreaterThanThreshold", alarmActions: [topic] });
      const depth = alarms.filter(
        (a) => a.inputs.metricName === "ApproximateNumberOfMessagesVisible" && a.inputs.dimensions.QueueName === deadLettersOf(p.name).inputs.name,
      );
      expect(depth, p.name).toHaveLength(1);
      expect(depth[0]?.inputs).toMatchObject({ threshold: 0, comparisonOperator: "GreaterThanThreshold", alarmActions: [topic] });
    }
  });
});

describe("message queues", () => {
  const stagePrefix = "bookstore-dev";
  const queue = () => one(s, "aws:sqs/queue:Queue", "FulfilmentQueueQueue");
  const deadLetters = () => one(s, "aws:sqs/queue:Queue", "FulfilmentDeadLetterQueueQueue");
  const senders = () => fixtureRegistries.projections.filter((p) => p.queues?.includes("fulfilment"));

  it("the fulfilment queue is FIFO, named under the stage, deduplicated on each message's id, with a FIFO dead-letter queue", () => {
    const definition = queues.fulfilment;
    expect(queue().inputs).toMatchObject({
      name: `${stagePrefix}-fulfilment.fifo`,
      fifoQueue: true,
      contentBasedDeduplication: false,
      visibilityTimeoutSeconds: definition.visibilityTimeoutSeconds,
      messageRetentionSeconds: definition.retentionSeconds,
    });
    expect(JSON.parse(queue().inputs.redrivePolicy)).toEqual({ deadLetterTargetArn: arnOf(deadLetters()), maxReceiveCount: definition.deadLetter.maxReceiveCount });
    expect(deadLetters().inputs).toMatchObject({ name: `${stagePrefix}-fulfilment-dlq.fifo`, fifoQueue: true, messageRetentionSeconds: definition.deadLetter.retentionSeconds });
    expect(s.outputs.queues).toEqual({ fulfilment: { url: expect.stringMatching(/\/bookstore-dev-fulfilment\.fifo$/), deadLetters: expect.stringMatching(/\/bookstore-dev-fulfilment-dlq\.fifo$/) } });
  });

  it("raises alarms when the oldest message waits too long, when too many wait, and when one is dead-lettered", () => {
    const topic = arnOf(one(s, "aws:sns/topic:Topic", "AlarmsTopic"));
    const on = (q: ReturnType<typeof queue>, metricName: string) =>
      ofType(s, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => a.inputs.metricName === metricName && a.inputs.dimensions.QueueName === q.inputs.name);
    const age = on(queue(), "ApproximateAgeOfOldestMessage");
    expect(age).toHaveLength(1);
    expect(age[0]?.inputs).toMatchObject({ namespace: "AWS/SQS", threshold: queues.fulfilment.alarms.oldestMessageSeconds, comparisonOperator: "GreaterThanThreshold", alarmActions: [topic] });
    const depth = on(queue(), "ApproximateNumberOfMessagesVisible");
    expect(depth).toHaveLength(1);
    expect(depth[0]?.inputs).toMatchObject({ namespace: "AWS/SQS", threshold: queues.fulfilment.alarms.depth, comparisonOperator: "GreaterThanThreshold", alarmActions: [topic] });
    const dead = on(deadLetters(), "ApproximateNumberOfMessagesVisible");
    expect(dead).toHaveLength(1);
    expect(dead[0]?.inputs).toMatchObject({ threshold: 0, alarmActions: [topic] });
  });

  it("only the projectors that name the queue may send to it, sqs:SendMessage and nothing more, and learn its URL", () => {
    expect(senders().map((p) => p.name)).toEqual(expect.arrayContaining(["fulfilment-requests", "fixture-outbox"]));
    for (const p of fixtureRegistries.projections) {
      const fn = functionOfMapping(s, mappingOf(p.name));
      const sends = senders().includes(p);
      expect(actionsOn(statementsOf(s, fn), arnOf(queue())), p.name).toEqual(sends ? ["sqs:SendMessage"] : []);
      expect(environmentOf(fn).FULFILMENT_QUEUE_URL, p.name).toBe(sends ? `https://sqs.eu-west-1.amazonaws.com/123456789012/${stagePrefix}-fulfilment.fifo` : undefined);
      if (sends) expect(fn.inputs.vpcConfig, p.name).toBeUndefined();
    }
    for (const route of fixtureRegistries.routes) {
      expect(actionsOn(statementsOf(s, functionOfRoute(s, routeNamed(s, routeKey(route)))), arnOf(queue())), routeKey(route)).toEqual([]);
    }
    // Nothing may read or delete from it here: consuming is the warehouse's business.
    expect(allStatements(s).filter((st) => st.Resource.includes(arnOf(queue()))).flatMap((st) => st.Action)).toEqual(senders().map(() => "sqs:SendMessage"));
  });
});

describe("read-model servers", () => {
  it("OpenSearch and Redis live in the VPC's private subnets, where functions reach DynamoDB through a gateway endpoint", () => {
    const privateSubnets = ofType(s, "aws:ec2/subnet:Subnet")
      .filter((r) => r.name.startsWith("NetworkPrivateSubnet"))
      .map((r) => `${r.name}-id`);
    expect(privateSubnets).toHaveLength(2);
    const domain = one(s, "aws:opensearch/domain:Domain", "SearchDomain").inputs;
    expect(domain.vpcOptions.subnetIds).toEqual([privateSubnets[0]]);
    expect(domain.vpcOptions.securityGroupIds).toEqual(["NetworkSecurityGroup-id"]);
    expect(one(s, "aws:elasticache/subnetGroup:SubnetGroup", "CacheSubnetGroup").inputs.subnetIds).toEqual(privateSubnets);
    expect(one(s, "aws:elasticache/replicationGroup:ReplicationGroup", "CacheCluster").inputs).toMatchObject({ engine: "valkey", transitEncryptionEnabled: true });
    const endpoint = one(s, "aws:ec2/vpcEndpoint:VpcEndpoint", "NetworkDynamoEndpoint").inputs;
    expect(endpoint).toMatchObject({ serviceName: "com.amazonaws.eu-west-1.dynamodb", vpcEndpointType: "Gateway" });
    expect(endpoint.routeTableIds).toEqual(["NetworkPrivateRouteTable1-id", "NetworkPrivateRouteTable2-id"]);
  });
});

describe("functions", () => {
  const lambdas = () => ofType(s, "aws:lambda/function:Function");
  const tableArns = () => [arnOf(table(s, "Events")), arnOf(table(s, "Views"))];

  it("no function may take a wildcard action on a table", () => {
    const onTables = allStatements(s).filter((st) => st.Resource.some((r) => tableArns().some((t) => r === t || r.startsWith(`${t}/`))));
    expect(onTables.length).toBeGreaterThan(0);
    for (const st of onTables) for (const action of st.Action) expect(action).not.toContain("*");
    for (const st of allStatements(s)) expect(st.Action).not.toContain("*");
  });

  it("queries only read; commands append events and only read views; projectors write only views, processes append as commands do", () => {
    const [events, views] = tableArns() as [string, string];
    for (const route of fixtureRegistries.routes) {
      const granted = statementsOf(s, functionOfRoute(s, routeNamed(s, routeKey(route))));
      if (route.method === "GET") expect(itemActionsOn(granted, events).sort(), routeKey(route)).toEqual([...reads].sort());
      else expect(itemActionsOn(granted, events), routeKey(route)).toContain("dynamodb:PutItem");
      expect(itemActionsOn(granted, views).sort(), routeKey(route)).toEqual([...reads].sort());
    }
    for (const p of fixtureRegistries.projections) {
      const granted = statementsOf(s, functionOfMapping(s, mappingOf(p.name)));
      if (p.stores?.includes("events")) expect(itemActionsOn(granted, events), p.name).toContain("dynamodb:PutItem");
      else expect(itemActionsOn(granted, events), p.name).toEqual([]);
      expect(actionsOn(granted, `${events}/stream/2025-01-01T00:00:00.000`).sort(), p.name).toEqual(
        ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"].sort(),
      );
      expect(itemActionsOn(granted, views), p.name).toEqual(expect.arrayContaining(["dynamodb:PutItem", "dynamodb:UpdateItem"]));
    }
  });

  it("unpaid orders are swept every minute by a function that appends as commands do", () => {
    const rule = one(s, "aws:cloudwatch/eventRule:EventRule", "UnpaidOrdersRule");
    expect(rule.inputs.scheduleExpression).toBe("rate(1 minute)");
    const sweep = lambdas().find((fn) => handlerOf(s, fn) === "handlers/schedule/unpaid-orders.handler");
    if (sweep === undefined) throw new Error("no function runs the sweep");
    const [events, views] = tableArns() as [string, string];
    const granted = statementsOf(s, sweep);
    expect(itemActionsOn(granted, events)).toEqual(expect.arrayContaining(["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"]));
    expect(itemActionsOn(granted, views)).toEqual(expect.arrayContaining(["dynamodb:Query", "dynamodb:PutItem", "dynamodb:DeleteItem"]));
  });

  it("every function learns the tables' names from EVENTS_TABLE and VIEWS_TABLE", () => {
    // One per route, one per stream subscriber, and the sweep of unpaid orders.
    expect(lambdas()).toHaveLength(fixtureRegistries.routes.length + fixtureRegistries.projections.length + 1);
    for (const fn of lambdas())
      expect(environmentOf(fn), fn.name).toMatchObject({ EVENTS_TABLE: table(s, "Events").inputs.name, VIEWS_TABLE: table(s, "Views").inputs.name });
  });

  it("functions that read search or the cache run in the VPC and get their addresses; the others do not", () => {
    const inVpc = (fn: ReturnType<typeof lambdas>[number]) => fn.inputs.vpcConfig !== undefined;
    for (const route of fixtureRegistries.routes) {
      const fn = functionOfRoute(s, routeNamed(s, routeKey(route)));
      const query = route.method === "GET";
      expect(inVpc(fn), routeKey(route)).toBe(query);
      expect(Object.keys(environmentOf(fn)).includes("OPENSEARCH_URL"), routeKey(route)).toBe(query);
      expect(Object.keys(environmentOf(fn)).includes("REDIS_URL"), routeKey(route)).toBe(query);
    }
    const search = functionOfMapping(s, mappingOf("fixture-search"));
    expect(inVpc(search)).toBe(true);
    expect(environmentOf(search).OPENSEARCH_URL).toMatch(/^https:\/\//);
    expect(environmentOf(search).REDIS_URL).toBeUndefined();
    const ranking = functionOfMapping(s, mappingOf("fixture-ranking"));
    expect(inVpc(ranking)).toBe(true);
    expect(environmentOf(ranking).REDIS_URL).toMatch(/^rediss:\/\/default:[^@]+@.+:6379$/);
    expect(environmentOf(ranking).OPENSEARCH_URL).toBeUndefined();
    const view = functionOfMapping(s, mappingOf("fixture-view"));
    expect(inVpc(view)).toBe(false);
    expect(Object.keys(environmentOf(view)).filter((k) => /REDIS|OPENSEARCH|BUS/.test(k))).toEqual([]);
  });

  it("a projector that publishes integration events may put events on the bus and nothing more", () => {
    const fn = functionOfMapping(s, mappingOf("fixture-integration"));
    const bus = arnOf(one(s, "aws:cloudwatch/eventBus:EventBus", "IntegrationBus"));
    expect(environmentOf(fn).EVENT_BUS_NAME).toBe(one(s, "aws:cloudwatch/eventBus:EventBus", "IntegrationBus").inputs.name);
    expect(actionsOn(statementsOf(s, fn), bus)).toEqual(["events:PutEvents"]);
    expect(actionsOn(statementsOf(s, functionOfMapping(s, mappingOf("fixture-view"))), bus)).toEqual([]);
  });

  it("every function is Node.js 22 on arm64", () => {
    for (const fn of lambdas()) {
      expect(fn.inputs.runtime, fn.name).toBe("nodejs22.x");
      expect(fn.inputs.architectures, fn.name).toEqual(["arm64"]);
    }
  });
});

describe("generated from the registries", () => {
  it("a route and a projection that only the fixture knows are in the infrastructure, with no change to stacks/", () => {
    const known = new Set(registries.routes.map(routeKey));
    for (const route of fixtureRoutes) {
      expect(known.has(routeKey(route))).toBe(false);
      expect(routeNamed(s, routeKey(route)).inputs.authorizationType).toBe(route.auth === "public" ? "NONE" : "JWT");
    }
    for (const p of fixtureProjections) {
      expect(registries.projections.some((r) => r.name === p.name)).toBe(false);
      expect(mappingOf(p.name).inputs.batchSize).toBe(p.batch.batchSize);
    }
  });
});
