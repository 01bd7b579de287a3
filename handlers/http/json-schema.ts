import type * as t from "io-ts";
import { type JsonSchema, schemaHintFor } from "./json-schema-hints.js";

/** Named object codecs become `components.schemas`, so the document reads like the code. */
export class SchemaComponents {
  readonly schemas: Record<string, JsonSchema> = {};
  private readonly owners = new Map<string, t.Any>();

  refTo(codec: t.Any, build: () => JsonSchema): JsonSchema {
    const owner = this.owners.get(codec.name);
    if (owner !== undefined && owner !== codec) throw new Error(`two different codecs are named ${codec.name}`);
    if (owner === undefined) {
      this.owners.set(codec.name, codec);
      this.schemas[codec.name] = build();
    }
    return { $ref: `#/components/schemas/${codec.name}` };
  }
}

// The io-ts combinators are classes; their tag and children are read structurally.
type Node = t.Any & {
  readonly _tag?: string;
  readonly type?: t.Any;
  readonly types?: readonly t.Any[];
  readonly props?: t.Props;
  readonly value?: unknown;
  readonly keys?: Record<string, unknown>;
  readonly codomain?: t.Any;
};

const componentTags = new Set(["InterfaceType", "ExactType", "PartialType", "IntersectionType", "KeyofType"]);
const identifier = /^[A-Z][A-Za-z0-9]*$/;

/** Codecs known by name: io-ts's own `Int` and the io-ts-types conversions. */
const byName: Record<string, JsonSchema> = {
  Int: { type: "integer" },
  NumberFromString: { type: "number" },
  IntFromString: { type: "integer" },
  BooleanFromString: { type: "boolean" },
  DateFromISOString: { type: "string", format: "date-time" },
  NonEmptyString: { type: "string", minLength: 1 },
  UUID: { type: "string", format: "uuid" },
};

const acceptsUndefined = (codec: t.Any): boolean => codec.is(undefined);

const objectOf = (props: t.Props, requiredToo: boolean, components: SchemaComponents): JsonSchema => {
  const entries = Object.entries(props);
  const required = requiredToo ? entries.filter(([, c]) => !acceptsUndefined(c)).map(([k]) => k) : [];
  return {
    type: "object",
    properties: Object.fromEntries(entries.map(([k, c]) => [k, toJsonSchema(c, components)])),
    ...(required.length > 0 ? { required } : {}),
  };
};

/** Intersections of objects are merged into one object, so `additionalProperties: false` stays right. */
const merge = (parts: JsonSchema[]): JsonSchema => {
  if (!parts.every((p) => p.type === "object" && p.properties !== undefined)) return { allOf: parts };
  const required = parts.flatMap((p) => (p.required as string[] | undefined) ?? []);
  return {
    type: "object",
    properties: Object.assign({}, ...parts.map((p) => p.properties)),
    ...(required.length > 0 ? { required } : {}),
  };
};

const structural = (codec: Node, components: SchemaComponents): JsonSchema | undefined => {
  switch (codec._tag) {
    case "StringType":
      return { type: "string" };
    case "NumberType":
      return { type: "number" };
    case "BooleanType":
      return { type: "boolean" };
    case "NullType":
      return { type: "null" };
    case "UnknownType":
    case "AnyType":
      return {};
    case "LiteralType":
      return { const: codec.value };
    case "KeyofType":
      return { type: "string", enum: Object.keys(codec.keys ?? {}) };
    case "InterfaceType":
      return objectOf(codec.props ?? {}, true, components);
    case "PartialType":
      return objectOf(codec.props ?? {}, false, components);
    case "ExactType":
      return { ...inline(codec.type as Node, components), additionalProperties: false };
    case "ReadonlyType":
    case "RefinementType":
      return inline(codec.type as Node, components);
    case "IntersectionType":
      return merge((codec.types ?? []).map((c) => inline(c as Node, components)));
    case "UnionType": {
      const members = (codec.types ?? []).filter((c) => !(c as Node)._tag?.match(/^(UndefinedType|VoidType)$/));
      if (members.length === 1 && members[0] !== undefined) return toJsonSchema(members[0], components);
      if (members.every((c) => (c as Node)._tag === "LiteralType")) return { enum: members.map((c) => (c as Node).value) };
      return { anyOf: members.map((c) => toJsonSchema(c, components)) };
    }
    case "ArrayType":
    case "ReadonlyArrayType":
      return { type: "array", items: toJsonSchema(codec.type as Node, components) };
    case "UnknownArrayType":
    case "AnyArrayType":
      return { type: "array" };
    case "UnknownRecordType":
    case "AnyDictionaryType":
      return { type: "object" };
    case "DictionaryType":
      return { type: "object", additionalProperties: toJsonSchema(codec.codomain as Node, components) };
    case "TupleType": {
      const items = (codec.types ?? []).map((c) => toJsonSchema(c, components));
      return { type: "array", prefixItems: items, minItems: items.length, maxItems: items.length };
    }
    default:
      return undefined;
  }
};

/** The schema of a codec itself, never a `$ref` to it. */
const inline = (codec: Node, components: SchemaComponents): JsonSchema => {
  const hint = schemaHintFor(codec);
  const base = structural(codec, components) ?? byName[codec.name];
  if (base === undefined && hint === undefined) {
    throw new Error(`no JSON Schema for codec ${codec.name} (${codec._tag ?? "untagged"}): give it one with withSchema`);
  }
  return { ...base, ...hint };
};

/** Walks an io-ts codec into JSON Schema 2020-12 (OpenAPI 3.1's dialect). */
export const toJsonSchema = (codec: t.Any, components: SchemaComponents): JsonSchema => {
  const node = codec as Node;
  if (componentTags.has(node._tag ?? "") && identifier.test(node.name)) {
    return components.refTo(node, () => inline(node, components));
  }
  return inline(node, components);
};

/** The fields of an object codec, for turning path and query codecs into parameters. */
export const fieldsOf = (codec: t.Any): { name: string; codec: t.Any; required: boolean }[] => {
  const node = codec as Node;
  switch (node._tag) {
    case "InterfaceType":
      return Object.entries(node.props ?? {}).map(([name, c]) => ({ name, codec: c, required: !acceptsUndefined(c) }));
    case "PartialType":
      return Object.entries(node.props ?? {}).map(([name, c]) => ({ name, codec: c, required: false }));
    case "ExactType":
    case "ReadonlyType":
    case "RefinementType":
      return fieldsOf(node.type as t.Any);
    case "IntersectionType":
      return (node.types ?? []).flatMap(fieldsOf);
    default:
      throw new Error(`codec ${codec.name} is not an object codec; path and query codecs must be`);
  }
};
