import { QueryCommand } from "@aws-sdk/client-dynamodb";
import { isRight } from "fp-ts/lib/Either.js";
import { beforeAll, describe, expect, it } from "vitest";
import { idOf } from "../../events/index.js";
import { readContract } from "../support/event-store-contract.js";
import { bookAdded, collect, freshStore, newBookStream, type StoreFixture } from "../support/event-store-fixture.js";

let f: StoreFixture;
beforeAll(async () => {
  f = await freshStore("read");
});

readContract(() => f);

const letter = (i: number): string => String.fromCharCode(97 + i);

// Pages are DynamoDB's: only its store has them.
describe("reading a stream", () => {
  it("follows DynamoDB's pages past 1 MB and returns every event in order", async () => {
    const id = newBookStream();
    const events = 14;
    let version = 0;
    for (let i = 0; i < events; i++) {
      // About 100 KB each: fourteen of them cannot come back in one 1 MB page.
      const event = bookAdded(idOf(id), letter(i).repeat(100_000));
      const outcome = await f.store.append([{ streamId: id, expectedVersion: version, events: [event] }]);
      expect(isRight(outcome)).toBe(true);
      version++;
    }
    const firstPage = await f.client.send(
      new QueryCommand({ TableName: f.names.events, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": { S: id } } }),
    );
    expect(firstPage.LastEvaluatedKey).toBeDefined();
    expect(firstPage.Items?.length).toBeLessThan(events);

    const read = await collect(f.store.readStream(id));
    expect(read.map((r) => (isRight(r) ? r.right.version : r.left))).toEqual(Array.from({ length: events }, (_, i) => i + 1));
    expect(read.map((r) => isRight(r) && r.right.type === "BookAdded" && r.right.data.description)).toEqual(
      Array.from({ length: events }, (_, i) => letter(i).repeat(100_000)),
    );
  });
});
