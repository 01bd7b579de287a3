import { DeleteCommand, PutCommand, QueryCommand, type QueryCommandInput, type QueryCommandOutput } from "@aws-sdk/lib-dynamodb";
import type { ViewsPort } from "./ports.js";

/** A stream record a projection could not use, kept with the reason so it can be listed and redriven. */
export interface DeadLetter {
  readonly projection: string;
  /** `<pk>|<sk>` of the event item: the same record dead-lettered twice is one letter. */
  readonly id: string;
  readonly reason: string;
  /** The record's NEW_IMAGE as it came (DynamoDB JSON), for a redrive or a human. */
  readonly image: string;
  readonly sequenceNumber?: string;
  readonly at: string;
}

export const deadLetterPk = (projection: string): string => `dlq#${projection}`;

export interface DeadLetters {
  put(letter: DeadLetter): Promise<void>;
  list(projection: string): Promise<DeadLetter[]>;
  count(projection: string): Promise<number>;
  remove(projection: string, id: string): Promise<void>;
}

export const deadLetters = ({ client, tableName }: ViewsPort): DeadLetters => {
  const pages = async (projection: string, extra: Partial<QueryCommandInput>, each: (page: QueryCommandOutput) => void) => {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": deadLetterPk(projection) },
          ExclusiveStartKey: start,
          ConsistentRead: true,
          ...extra,
        }),
      );
      each(page);
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
  };
  return {
    put: async (letter) => {
      await client.send(new PutCommand({ TableName: tableName, Item: { pk: deadLetterPk(letter.projection), sk: letter.id, ...letter } }));
    },
    list: async (projection) => {
      const out: DeadLetter[] = [];
      await pages(projection, {}, (page) => {
        for (const { pk: _pk, sk: _sk, ...letter } of page.Items ?? []) out.push(letter as DeadLetter);
      });
      return out;
    },
    count: async (projection) => {
      let count = 0;
      await pages(projection, { Select: "COUNT" }, (page) => {
        count += page.Count ?? 0;
      });
      return count;
    },
    remove: async (projection, id) => {
      await client.send(new DeleteCommand({ TableName: tableName, Key: { pk: deadLetterPk(projection), sk: id } }));
    },
  };
};
