import { mkdtempSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/**
 * Runs a program of real SST components under Pulumi's mocks and records the AWS resources it
 * would create, with no AWS account: the platform installed by `npm run infra:install`, the SST
 * globals set as `sst deploy` sets them, and a small stand-in for the SST CLI's RPC server.
 */

// Pulumi inputs are whatever each resource type takes: tests read them as plain data.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Inputs = Record<string, any>;

export interface Recorded {
  readonly type: string;
  readonly name: string;
  readonly inputs: Inputs;
  readonly retainOnDelete: boolean;
}

export interface Synthesis {
  readonly resources: readonly Recorded[];
  /** Every function's handler as SST asked its CLI to bundle it, by SST function name. */
  readonly handlers: ReadonlyMap<string, string>;
  readonly outputs: Record<string, unknown>;
}

export interface AppConfig {
  app(input: { stage: string }): { name: string; removal: string; protect: boolean };
  run(): Promise<unknown>;
}

const root = resolve(import.meta.dirname, "../..");
const platform = join(root, ".sst", "platform");
// The same @pulumi/pulumi instance the platform's components load, or the mocks would not apply.
const platformRequire = createRequire(join(platform, "package.json"));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const pulumi: any = platformRequire("@pulumi/pulumi");
const settings = platformRequire("@pulumi/pulumi/runtime/settings.js") as { waitForRPCs(): Promise<void> };

const region = "eu-west-1";
const account = "123456789012";
const arnOf = (type: string, name: string): string => {
  const service = type.split(":")[1]?.split("/")[0] ?? "mock";
  return `arn:aws:${service}:${region}:${account}:${type.split(":").pop()}/${name}`;
};

/** What AWS would answer for the attributes the components read back, per resource type. */
const answers: Record<string, (physical: string, arn: string, inputs: Inputs) => Record<string, unknown>> = {
  "aws:dynamodb/table:Table": (_, arn) => ({ streamArn: `${arn}/stream/2025-01-01T00:00:00.000` }),
  "aws:sqs/queue:Queue": (physical) => ({ url: `https://sqs.${region}.amazonaws.com/${account}/${physical}` }),
  "aws:opensearch/domain:Domain": (physical) => ({ endpoint: `${physical}.${region}.es.amazonaws.com`, domainName: physical }),
  "aws:elasticache/replicationGroup:ReplicationGroup": (physical, _, inputs) => ({
    primaryEndpointAddress: `${physical}.cache.amazonaws.com`,
    clusterEnabled: false,
    port: inputs.port ?? 6379,
  }),
  "random:index/randomPassword:RandomPassword": (physical) => ({ result: `${physical}-secret` }),
  "aws:cloudfront/distribution:Distribution": (physical) => ({ domainName: `${physical.toLowerCase()}.cloudfront.net` }),
  "aws:apigatewayv2/api:Api": (physical, arn) => ({ apiEndpoint: `https://${physical}.execute-api.${region}.amazonaws.com`, executionArn: arn }),
};

const stateOf = (type: string, name: string, inputs: Inputs): Record<string, unknown> => {
  const physical = inputs.name ?? `${name}-physical`;
  const arn = arnOf(type, physical);
  return { ...inputs, name: physical, arn, id: `${name}-id`, ...answers[type]?.(physical, arn, inputs) };
};

interface Statement {
  effect?: string;
  actions?: string[];
  resources?: string[];
}
const policyDocument = (statements: readonly Statement[] = []) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: statements.map((s) => ({ Effect: s.effect ?? "Allow", Action: s.actions ?? [], Resource: s.resources ?? [] })),
  });

const invoke = (token: string, inputs: Inputs): Record<string, unknown> => {
  if (token.includes("getRegion")) return { name: region, region, id: region };
  if (token.includes("getPartition")) return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
  if (token.includes("getCallerIdentity")) return { accountId: account, arn: `arn:aws:iam::${account}:root`, userId: "mock" };
  if (token.includes("getAvailabilityZones")) return { names: [`${region}a`, `${region}b`, `${region}c`], zoneIds: ["a", "b", "c"] };
  // The provider echoes the statements (SST adds no inline policy without them) with the JSON.
  if (token.includes("getPolicyDocument"))
    return { json: policyDocument(inputs.statements), ...(inputs.statements?.length ? { statements: inputs.statements } : {}) };
  return {};
};

/** Answers the SST CLI calls the components make while they are declared. */
const rpcServer = async (handlers: Map<string, string>): Promise<http.Server> => {
  const bundle = mkdtempSync(join(tmpdir(), "sst-bundle-"));
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const { method, params } = JSON.parse(body) as { method: string; params: [{ functionID?: string; handler?: string }] };
      const { functionID, handler } = params[0];
      if (method === "Runtime.Build" && functionID !== undefined && handler !== undefined) handlers.set(functionID, handler);
      const result =
        method === "Provider.Aws.Bootstrap"
          ? { asset: "bootstrap-assets", assetEcrRegistryId: account, assetEcrUrl: "ecr.mock", state: "bootstrap-state" }
          : method === "Runtime.Build"
            ? { handler: "index.handler", out: bundle, errors: [], sourcemaps: [] }
            : {};
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ result }));
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return server;
};

/** Imports `sst.config.ts` as the SST CLI does: `$config` hands back the configuration. */
export const loadConfig = async (): Promise<AppConfig> => {
  Object.assign(globalThis, { $config: (config: AppConfig) => config });
  return (await import("../../sst.config.js")).default as unknown as AppConfig;
};

/**
 * Declares `program` for `stage` with the app settings of `sst.config.ts`, as `sst deploy` (or,
 * with `dev`, `sst dev`) would
 * (including SST's own stack transformations, such as retaining tables when removal is `retain`).
 * One synthesis per process: Pulumi's runtime is global.
 */
export const synthesize = async (
  stage: string,
  program: () => Promise<unknown> | unknown,
  options: { readonly dev?: boolean } = {},
): Promise<Synthesis> => {
  const app = (await loadConfig()).app({ stage });
  const resources: Recorded[] = [];
  const retained = new Map<string, boolean>();
  const handlers = new Map<string, string>();
  const server = await rpcServer(handlers);
  process.env.SST_SERVER = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await pulumi.runtime.setMocks(
      {
        newResource: (a: { type: string; name: string; inputs: Record<string, unknown> }) => {
          resources.push({ type: a.type, name: a.name, inputs: a.inputs, retainOnDelete: retained.get(`${a.type}::${a.name}`) ?? false });
          return { id: `${a.name}-id`, state: stateOf(a.type, a.name, a.inputs) };
        },
        call: (a: { token: string; inputs: Record<string, unknown> }) => invoke(a.token, a.inputs),
      },
      app.name,
      stage,
      false,
    );
    Object.assign(globalThis, {
      $app: { ...app, stage, providers: {} },
      $dev: options.dev === true,
      $cli: {
        command: options.dev === true ? "dev" : "deploy",
        rpc: process.env.SST_SERVER,
        paths: { home: root, root, work: join(root, ".sst"), platform },
        state: { version: {} },
      },
      $util: pulumi,
      $output: pulumi.output,
      $interpolate: pulumi.interpolate,
      $concat: pulumi.concat,
      $resolve: pulumi.all,
      $jsonParse: pulumi.jsonParse,
      $jsonStringify: pulumi.jsonStringify,
      $secrets: {},
      aws: platformRequire("@pulumi/aws"),
    });
    const platformSrc = join(platform, "src");
    const component = await import(join(platformSrc, "components/component.ts"));
    const link = await import(join(platformSrc, "components/link.ts"));
    Object.assign(globalThis, { $transform: component.$transform, $asset: component.$asset, $linkable: link.Link.linkable });
    Object.assign(globalThis, { sst: await import(join(platformSrc, "components/index.ts")) });
    const { run } = await import(join(platformSrc, "auto/run.ts"));
    const outputs = await pulumi.runtime.runInPulumiStack(() =>
      run(async () => {
        // After SST's own transformations, so this sees the options they leave.
        pulumi.runtime.registerStackTransformation((args: { type: string; name: string; opts: { retainOnDelete?: boolean } }) => {
          retained.set(`${args.type}::${args.name}`, args.opts.retainOnDelete === true);
          return undefined;
        });
        return program();
      }),
    );
    await settings.waitForRPCs();
    return { resources, handlers, outputs: outputs as Record<string, unknown> };
  } finally {
    server.close();
  }
};
