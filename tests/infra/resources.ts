import type { Recorded, Synthesis } from "./synthesize.js";

/** Finding one's way in a synthesis: from a route to its function, from a function to its role. */

export const ofType = (s: Synthesis, type: string): Recorded[] => s.resources.filter((r) => r.type === type);

export const one = (s: Synthesis, type: string, name: string): Recorded => {
  const found = ofType(s, type).filter((r) => r.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} ${name}, found ${found.length}`);
  return found[0] as Recorded;
};

const byPhysicalName = (s: Synthesis, type: string, arnOrName: string): Recorded => {
  const found = ofType(s, type).filter((r) => arnOrName === r.inputs.name || arnOrName.endsWith(`/${r.inputs.name}`));
  if (found.length !== 1) throw new Error(`expected one ${type} named in ${arnOrName}, found ${found.length}`);
  return found[0] as Recorded;
};

export const table = (s: Synthesis, component: "Events" | "Views"): Recorded => one(s, "aws:dynamodb/table:Table", `${component}Table`);

/** The ARN the mocks gave a resource: `arn:aws:<service>:<region>:<account>:<Type>/<physical name>`. */
export const arnOf = (r: Recorded): string => {
  const service = r.type.split(":")[1]?.split("/")[0];
  return `arn:aws:${service}:eu-west-1:123456789012:${r.type.split(":").pop()}/${r.inputs.name}`;
};

export const routes = (s: Synthesis): Recorded[] => ofType(s, "aws:apigatewayv2/route:Route");

export const routeNamed = (s: Synthesis, key: string): Recorded => {
  const found = routes(s).filter((r) => r.inputs.routeKey === key);
  if (found.length !== 1) throw new Error(`expected one route ${key}, found ${found.length}`);
  return found[0] as Recorded;
};

export const functionOfRoute = (s: Synthesis, route: Recorded): Recorded => {
  const integration = ofType(s, "aws:apigatewayv2/integration:Integration").find((i) => route.inputs.target === `integrations/${i.name}-id`);
  if (integration === undefined) throw new Error(`no integration for ${route.inputs.routeKey}`);
  return byPhysicalName(s, "aws:lambda/function:Function", integration.inputs.integrationUri);
};

export const functionOfMapping = (s: Synthesis, mapping: Recorded): Recorded => byPhysicalName(s, "aws:lambda/function:Function", mapping.inputs.functionName);

/** The handler SST bundled for a function (the Lambda resource is `<SST function name>Function`). */
export const handlerOf = (s: Synthesis, fn: Recorded): string | undefined => s.handlers.get(fn.name.replace(/Function$/, ""));

export interface Statement {
  readonly Effect: string;
  readonly Action: string[];
  readonly Resource: string[];
}

export const statementsOf = (s: Synthesis, fn: Recorded): Statement[] => {
  const role = byPhysicalName(s, "aws:iam/role:Role", fn.inputs.role);
  return (role.inputs.inlinePolicies as { policy: string }[]).flatMap((p) => (JSON.parse(p.policy) as { Statement: Statement[] }).Statement);
};

export const allStatements = (s: Synthesis): Statement[] =>
  ofType(s, "aws:iam/role:Role").flatMap((role) =>
    ((role.inputs.inlinePolicies ?? []) as { policy: string }[]).flatMap((p) => (JSON.parse(p.policy) as { Statement: Statement[] }).Statement),
  );

/** The actions a function may take on a resource, given by ARN. */
export const actionsOn = (statements: readonly Statement[], arn: string): string[] =>
  statements.filter((st) => st.Resource.includes(arn)).flatMap((st) => st.Action);

/** The actions a function may take on a table's items: on the table or its indexes, not its stream. */
export const itemActionsOn = (statements: readonly Statement[], tableArn: string): string[] =>
  statements.filter((st) => st.Resource.some((r) => r === tableArn || r.startsWith(`${tableArn}/index/`))).flatMap((st) => st.Action);

export const environmentOf = (fn: Recorded): Record<string, string> => fn.inputs.environment?.variables ?? {};
