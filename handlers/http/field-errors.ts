import type * as t from "io-ts";
import { clip, preview } from "./echo.js";
import { schemaHintFor } from "./json-schema-hints.js";
import type { FieldError } from "./problem.js";

/** Combinators whose context keys are branch indexes, not field names. */
const branching = new Set(["IntersectionType", "UnionType"]);

type Node = { readonly _tag?: string; readonly type?: Node };
const wrappers = new Set(["ExactType", "RefinementType", "ReadonlyType"]);

/** The combinator that validated the children: an exact or refined codec hands its context straight on. */
const tagOf = (type: t.Decoder<unknown, unknown>): string | undefined => {
  let node = type as Node;
  while (wrappers.has(node._tag ?? "") && node.type !== undefined) node = node.type;
  return node._tag;
};

/** A field name is the client's text too: a 100 KB unknown key is named by its first characters. */
const MAX_KEY = 64;
/** More errors than a client fixes in one go; the rest wait for the next try. */
const MAX_ERRORS = 100;

const pathOf = (context: t.Context): string[] =>
  context.flatMap((entry, i) => {
    const parent = context[i - 1];
    if (i === 0 || parent === undefined) return [];
    // `strict` names an unknown field with a `never` entry: always a field name.
    if (tagOf(entry.type) === "NeverType") return [entry.key];
    return branching.has(tagOf(parent.type) ?? "") ? [] : [entry.key];
  });

const expectation = (error: t.ValidationError): string => {
  const deepest = error.context[error.context.length - 1]?.type;
  if (deepest === undefined) return "a valid value";
  const hint = schemaHintFor(deepest as t.Any);
  return typeof hint?.description === "string" ? hint.description : deepest.name;
};

/** Turns io-ts errors for one part of a request into the fields a client must fix, and why. */
export const fieldErrors = (where: FieldError["in"], errors: t.Errors): FieldError[] => {
  // Picking the deepest errors below is quadratic; a body of 20,000 unknown fields must not make it slow.
  const described = errors.slice(0, MAX_ERRORS).map((error) => {
    const path = pathOf(error.context).map((key) => clip(key, MAX_KEY));
    const detail = error.message ?? `expected ${expectation(error)}, got ${preview(error.value)}`;
    return { path, detail };
  });
  // A union reports every branch; a deeper error says more than "not the other branch".
  const deepest = described.filter(
    (d) => !described.some((o) => o.path.length > d.path.length && d.path.every((k, i) => o.path[i] === k)),
  );
  const seen = new Set<string>();
  return deepest.flatMap(({ path, detail }): FieldError[] => {
    const id = `${path.join("/")}|${detail}`;
    if (seen.has(id)) return [];
    seen.add(id);
    if (where === "body") return [{ in: where, pointer: `#/${path.map(escapePointer).join("/")}`, detail }];
    // The name as the client sent it (an unknown one included), bounded like everything echoed.
    return [{ in: where, parameter: clip(path[0] ?? "(all)", 64), detail }];
  });
};

const escapePointer = (key: string): string => key.replace(/~/g, "~0").replace(/\//g, "~1");
