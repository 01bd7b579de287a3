import type { CreateTableCommandInput, KeySchemaElement, Projection, StreamViewType } from "@aws-sdk/client-dynamodb";

type Field = "string" | "number" | "binary";
type Index = { hashKey: string; rangeKey?: string };
type DynamoShape = {
  fields: Record<string, Field>;
  primaryIndex: Index;
  globalIndexes: Record<string, Index & { projection?: "all" | "keys-only" | string[] }>;
  stream?: "keys-only" | "new-image" | "old-image" | "new-and-old-images";
};

const fieldTypes: Record<string, Field> = { S: "string", N: "number", B: "binary" };
const streamTypes: Record<StreamViewType, NonNullable<DynamoShape["stream"]>> = {
  KEYS_ONLY: "keys-only",
  NEW_IMAGE: "new-image",
  OLD_IMAGE: "old-image",
  NEW_AND_OLD_IMAGES: "new-and-old-images",
};

const index = (schema: readonly KeySchemaElement[] | undefined): Index => {
  const hashKey = schema?.find((k) => k.KeyType === "HASH")?.AttributeName;
  const rangeKey = schema?.find((k) => k.KeyType === "RANGE")?.AttributeName;
  if (hashKey === undefined) throw new Error("a table or index without a hash key");
  return rangeKey === undefined ? { hashKey } : { hashKey, rangeKey };
};

const projection = (p: Projection | undefined): "all" | "keys-only" | string[] =>
  p?.ProjectionType === "INCLUDE" ? [...(p.NonKeyAttributes ?? [])] : p?.ProjectionType === "KEYS_ONLY" ? "keys-only" : "all";

/**
 * The table layout of `store/tables.ts` (the SDK's CreateTable input, which the local runtime
 * and the tests create tables from) in the terms of `sst.aws.Dynamo`, so AWS gets the same
 * keys, indexes and stream as everywhere else.
 */
export const dynamoArgs = (input: CreateTableCommandInput): DynamoShape => {
  const fields = Object.fromEntries(
    (input.AttributeDefinitions ?? []).map((a) => {
      const type = fieldTypes[a.AttributeType ?? ""];
      if (a.AttributeName === undefined || type === undefined) throw new Error(`unsupported attribute ${JSON.stringify(a)}`);
      return [a.AttributeName, type];
    }),
  );
  const globalIndexes = Object.fromEntries(
    (input.GlobalSecondaryIndexes ?? []).map((g) => [g.IndexName ?? "", { ...index(g.KeySchema), projection: projection(g.Projection) }]),
  );
  const view = input.StreamSpecification?.StreamEnabled ? input.StreamSpecification.StreamViewType : undefined;
  return { fields, primaryIndex: index(input.KeySchema), globalIndexes, ...(view === undefined ? {} : { stream: streamTypes[view] }) };
};
