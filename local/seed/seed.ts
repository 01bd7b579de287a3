import { isLeft } from "fp-ts/lib/Either.js";
import type { Runtime } from "../../handlers/http/runtime.js";
import { seedCatalogue, type SeedBook } from "./catalogue.js";

export interface SeedReport {
  readonly books: number;
  /** Books this run added; 0 when the catalogue was already seeded. */
  readonly added: number;
}

const meta = (commandId: string) => ({ actor: "admin:seed", correlationId: "seed", commandId });

/**
 * Loads the sample catalogue with stock through the same command handling as the API.
 * Book ids and command ids are derived from the ISBN, so a second run writes nothing.
 */
export const seed = async (runtime: Runtime, books: readonly SeedBook[] = seedCatalogue(), concurrency = 16): Promise<SeedReport> => {
  let added = 0;
  const one = async ({ bookId, stock, ...book }: SeedBook) => {
    const add = await runtime.commands.handle({ type: "AddBook", bookId, ...book }, meta(`seed:add:${bookId}`));
    if (isLeft(add)) throw new Error(`seeding ${book.title}: ${add.left.kind}`);
    if (!add.right.duplicate) added++;
    const receive = await runtime.commands.handle({ type: "ReceiveStock", bookId, quantity: stock }, meta(`seed:stock:${bookId}`));
    if (isLeft(receive)) throw new Error(`stocking ${book.title}: ${receive.left.kind}`);
  };
  const queue = [...books];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) await one(next);
    }),
  );
  await runtime.commands.settle();
  return { books: books.length, added };
};
