import { type AttributeValue, type DynamoDBClient, QueryCommand, type QueryCommandInput } from "@aws-sdk/client-dynamodb";

export type Item = Record<string, AttributeValue>;

/** The items of a query, page after page, following `LastEvaluatedKey`; one page in memory. */
export async function* queryItems(client: DynamoDBClient, input: QueryCommandInput): AsyncGenerator<Item> {
  let start = input.ExclusiveStartKey;
  do {
    const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    yield* page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
}

/** A key condition on the sort key `#sk` between two inclusive, optional ends. */
export const sortKeyRange = (
  from: AttributeValue | undefined,
  to: AttributeValue | undefined,
): { readonly expr: string; readonly values: Record<string, AttributeValue> } => {
  if (from !== undefined && to !== undefined) return { expr: " AND #sk BETWEEN :from AND :to", values: { ":from": from, ":to": to } };
  if (from !== undefined) return { expr: " AND #sk >= :from", values: { ":from": from } };
  if (to !== undefined) return { expr: " AND #sk <= :to", values: { ":to": to } };
  return { expr: "", values: {} };
};
