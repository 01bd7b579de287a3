import type { Grant } from "./access.js";
import type { Environment } from "./environment.js";
import type { ReadModelServers } from "./read-model-servers.js";

/** What one function may touch: its grants, its environment, and whether it needs the VPC's servers. */
export interface Access {
  readonly grants: readonly Grant[];
  readonly environment: Environment;
  /** Components linked for `sst dev`'s resource view; they add no IAM permissions. */
  readonly links: readonly (sst.aws.OpenSearch | sst.aws.Redis)[];
  readonly inVpc: boolean;
}

export const mergeAccess = (...parts: readonly Partial<Access>[]): Access => ({
  grants: parts.flatMap((p) => p.grants ?? []),
  environment: Object.assign({}, ...parts.map((p) => p.environment ?? {})),
  links: parts.flatMap((p) => p.links ?? []),
  inVpc: parts.some((p) => p.inVpc === true),
});

/**
 * Every function: Node 22 on Graviton, bundled ESM, and only the access it was given. Functions
 * join the VPC only to reach OpenSearch or Redis, and not under `sst dev`, where they run locally.
 */
export const lambda = (
  handler: string,
  access: Access,
  servers: Pick<ReadModelServers, "vpc">,
  extra: { readonly timeout?: `${number} seconds`; readonly description?: string; readonly environment?: Record<string, string> } = {},
): sst.aws.FunctionArgs => ({
  handler,
  runtime: "nodejs22.x",
  architecture: "arm64",
  memory: "512 MB",
  timeout: extra.timeout ?? "10 seconds",
  ...(extra.description === undefined ? {} : { description: extra.description }),
  nodejs: { format: "esm", sourcemap: true },
  logging: { retention: "1 month", format: "json" },
  environment: { NODE_OPTIONS: "--enable-source-maps", ...access.environment, ...extra.environment },
  permissions: access.grants.map((g) => ({ actions: [...g.actions], resources: [...g.resources] })),
  link: [...access.links],
  ...(access.inVpc && !$dev ? { vpc: servers.vpc } : {}),
});
