import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { ulid } from "ulid";
import { streams, type StoredEvent, type StreamId } from "../../events/index.js";
import { localAwsConfig } from "../../local/dynamodb-local.js";
import type { ViewsPort } from "../../projections/ports.js";
import { eventItem } from "../../store/event-item.js";
import { createTables, tableNames } from "../../store/tables.js";
import type { EventStore } from "../../store/types.js";
import { addBook, asAdmin, asCustomer, ok, type CommandsFixture } from "./commands-fixture.js";
import { type AnyStoreFixture, collect } from "./event-store-fixture.js";
import { dynamoDbEndpoint } from "./servers.js";
import { SHIP_TO } from "../kit/ship-to.js";

/** What makes events through the command handler, on whichever store. */
type Trading = Pick<CommandsFixture<AnyStoreFixture>, "commands" | "store">;

export const documentClient = (client: DynamoDBClient) =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

export const streamsClient = (endpoint: string = dynamoDbEndpoint()) => new DynamoDBStreamsClient(localAwsConfig(endpoint));

/** An empty views table of its own, e.g. to replay into from scratch. */
export const freshViews = async (prefix: string, endpoint: string = dynamoDbEndpoint()): Promise<ViewsPort> => {
  const client = new DynamoDBClient(localAwsConfig(endpoint));
  const names = tableNames(`${prefix}-${ulid().toLowerCase()}`);
  await createTables(client, names);
  return { client: documentClient(client), tableName: names.views };
};

let sequence = 0;
/** Stream records as the event source mapping delivers them: event items in NEW_IMAGE. */
export const streamRecord = (image: Record<string, unknown>): DynamoDBRecord =>
  ({
    eventName: "INSERT",
    eventSource: "aws:dynamodb",
    dynamodb: {
      NewImage: marshall(image, { removeUndefinedValues: true }),
      SequenceNumber: String(++sequence).padStart(21, "0"),
      StreamViewType: "NEW_IMAGE",
    },
  }) as DynamoDBRecord;

export const streamEvent = (events: readonly StoredEvent[]): DynamoDBStreamEvent => ({
  Records: events.map((e) => streamRecord(eventItem(e, 4))),
});

export const eventsOf = async (store: EventStore, ids: readonly StreamId[]): Promise<StoredEvent[]> => {
  const out: StoredEvent[] = [];
  for (const id of ids) {
    for (const r of await collect(store.readStream(id))) {
      if (r._tag === "Left") throw new Error(r.left.reason);
      out.push(r.right);
    }
  }
  return out;
};

export interface Shop {
  /** Book 1 is renamed at the end of the day, to `Book <id>, Revised`. */
  readonly books: readonly [string, string];
  /** Paid, and still paid. */
  readonly paidOrder: { readonly customerId: string; readonly orderId: string };
  /** Paid, then cancelled by its customer. */
  readonly cancelledOrder: { readonly customerId: string; readonly orderId: string };
  /** A customer whose cart is still open: book 0 × 3 after a change, book 1 removed. */
  readonly browsing: string;
  /** Book 0: 5, 4 and 2 stars, the 2 then changed to 5; book 1: two ratings only. */
  readonly ratings: readonly { readonly bookId: string; readonly customerId: string }[];
}

/** A small day of trading through the command handler, so the read models see real events. */
export const tradeADay = async ({ commands }: Trading): Promise<Shop> => {
  const books = [ulid(), ulid()] as const;
  for (const [i, bookId] of books.entries()) {
    ok(await commands.handle(addBook(bookId, 1000 + 500 * i), asAdmin));
    ok(await commands.handle({ type: "ReceiveStock", bookId, quantity: 10 }, asAdmin));
  }
  const buy = async (lines: readonly (readonly [string, number])[]) => {
    const customerId = ulid();
    for (const [bookId, quantity] of lines) ok(await commands.handle({ type: "AddCartItem", customerId, bookId, quantity }, asCustomer(customerId)));
    const orderId = ulid();
    ok(await commands.handle({ type: "Checkout", shippingAddress: SHIP_TO, customerId, orderId, paymentToken: "tok_visa" }, asCustomer(customerId)));
    return { customerId, orderId };
  };
  const paidOrder = await buy([[books[0], 2], [books[1], 1]]);
  const cancelledOrder = await buy([[books[1], 4]]);
  ok(
    await commands.handle(
      { type: "CancelOrder", orderId: cancelledOrder.orderId, actor: { role: "customer", customerId: cancelledOrder.customerId } },
      asCustomer(cancelledOrder.customerId),
    ),
  );
  const browsing = ulid();
  for (const bookId of books) ok(await commands.handle({ type: "AddCartItem", customerId: browsing, bookId, quantity: 1 }, asCustomer(browsing)));
  ok(await commands.handle({ type: "ChangeCartItemQuantity", customerId: browsing, bookId: books[0], quantity: 3 }, asCustomer(browsing)));
  ok(await commands.handle({ type: "RemoveCartItem", customerId: browsing, bookId: books[1] }, asCustomer(browsing)));
  const ratings: { bookId: string; customerId: string }[] = [];
  const rate = async (bookId: string, stars: number, customerId = ulid()) => {
    ok(await commands.handle({ type: "RateBook", bookId, customerId, stars }, asCustomer(customerId)));
    ratings.push({ bookId, customerId });
    return customerId;
  };
  await rate(books[0], 5);
  await rate(books[0], 4);
  const changesMind = await rate(books[0], 2);
  await rate(books[0], 5, changesMind);
  await rate(books[1], 1);
  await rate(books[1], 2);
  // Renamed after it sold: what was bought keeps the old title, the catalogue shows the new.
  ok(await commands.handle({ type: "ChangeBookDetails", bookId: books[1], title: `Book ${books[1]}, Revised` }, asAdmin));
  return { books, paidOrder, cancelledOrder, browsing, ratings };
};

/** A new book with stock received in these quantities, and its inventory events. */
export const stockedBook = async ({ commands, store }: Trading, ...receipts: number[]) => {
  const bookId = ulid();
  ok(await commands.handle(addBook(bookId), asAdmin));
  for (const quantity of receipts) ok(await commands.handle({ type: "ReceiveStock", bookId, quantity }, asAdmin));
  return { bookId, events: await eventsOf(store, [streams.inventory(bookId)]) };
};
