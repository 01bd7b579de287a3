import { type AttributeValue, type DynamoDBClient, QueryCommand, type QueryCommandInput } from "@aws-sdk/client-dynamodb";

export type Item = Record<string, AttributeValue>;

/**
 * The items of a query, page after page, following `LastEvaluatedKey`: one page in memory. With
 * `readAhead`, for callers that read to the end, the next page is asked for as soon as a page
 * arrives, so the server reads it while the caller works through this one: two pages in memory.
 */
export async function* queryItems(client: DynamoDBClient, input: QueryCommandInput, { readAhead = false } = {}): AsyncGenerator<Item> {
  const query = (start: QueryCommandInput["ExclusiveStartKey"]) => client.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
  let pending = query(input.ExclusiveStartKey);
  for (;;) {
    const page = await pending;
    const start = page.LastEvaluatedKey;
    if (start !== undefined && readAhead) {
      pending = query(start);
      // Awaited on the next turn; until then a failure must not count as unhandled.
      pending.catch(() => undefined);
    }
    yield* page.Items ?? [];
    if (start === undefined) return;
    if (!readAhead) pending = query(start);
  }
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
