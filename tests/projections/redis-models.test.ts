import { Redis } from "ioredis";
import { ulid } from "ulid";
import { afterAll, inject } from "vitest";
import { streams } from "../../events/index.js";
import { alsoBought, alsoBoughtWith } from "../../projections/also-bought.js";
import { bestsellers, topBestsellers } from "../../projections/bestsellers.js";
import { bookTitles, titlesOf } from "../../projections/book-titles.js";
import { topRated, topRatedBooks } from "../../projections/top-rated.js";
import { freshViews } from "../support/projections-fixture.js";
import { readModelContract } from "../support/read-model-contract.js";

const clients: Redis[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit()));
});

/** A Redis client whose keys are all under a prefix of their own: an empty read model. */
const freshPorts = async () => {
  const redis = new Redis(inject("redisUrl"), { keyPrefix: `test-${ulid()}:` });
  clients.push(redis);
  return { views: await freshViews("redis"), redis };
};

readModelContract({
  projection: bestsellers,
  freshPorts,
  streamsOf: (shop) => [shop.paidOrder.orderId, shop.cancelledOrder.orderId].map(streams.order),
  read: ({ redis }) => topBestsellers(redis),
  // The paid order's units; the cancelled order was paid, then gave its 4 copies back.
  expected: (shop) => [
    { bookId: shop.books[0], unitsSold: 2 },
    { bookId: shop.books[1], unitsSold: 1 },
  ],
});

readModelContract({
  projection: alsoBought,
  freshPorts,
  streamsOf: (shop) => [shop.paidOrder.orderId, shop.cancelledOrder.orderId].map(streams.order),
  read: ({ redis }, shop) => Promise.all(shop.books.map((b) => alsoBoughtWith(redis, b))),
  // The paid order held both books, once each however many copies; the cancelled one held book 1 alone.
  expected: (shop) => [[{ bookId: shop.books[1], count: 1 }], [{ bookId: shop.books[0], count: 1 }]],
});

readModelContract({
  projection: topRated,
  freshPorts,
  streamsOf: (shop) => shop.ratings.map((r) => streams.rating(r.bookId, r.customerId)),
  read: ({ redis }) => topRatedBooks(redis),
  // Book 0: 5, 4 and a 2 changed to 5; book 1 has too few ratings to be listed.
  expected: (shop) => [{ bookId: shop.books[0], averageStars: (5 + 4 + 5) / 3, ratings: 3 }],
});

readModelContract({
  projection: bookTitles,
  freshPorts,
  streamsOf: (shop) => shop.books.map(streams.book),
  read: async ({ redis }, shop) => Object.fromEntries(await titlesOf(redis, [...shop.books, "no-such-book"])),
  expected: (shop) => ({ [shop.books[0]]: `Book ${shop.books[0]}`, [shop.books[1]]: `Book ${shop.books[1]}, Revised` }),
});
