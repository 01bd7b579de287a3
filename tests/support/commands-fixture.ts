import { isbn13CheckDigit } from "../../local/seed/catalogue.js";
import { isLeft, type Either } from "fp-ts/lib/Either.js";
import { monotonicFactory } from "ulid";
import { LocalPaymentGateway } from "../../domain/local-payment-gateway.js";
import { createCommandHandler, type CommandHandler, type CommandResult } from "../../handlers/commands/handle.js";
import type { CommandDeps, CommandMeta } from "../../handlers/commands/deps.js";
import type { CommandError } from "../../handlers/commands/errors.js";
import type { CommandOutcome } from "../../handlers/commands/run-command.js";
import { createInMemorySnapshotStore, createSnapshotStore } from "../../store/index.js";
import { type AnyStoreFixture, freshMemoryStore, freshStore, type MemoryStoreFixture, type StoreFixture, type StoreKind } from "./event-store-fixture.js";

export type CommandsFixture<F extends AnyStoreFixture = StoreFixture> = F & {
  readonly payments: LocalPaymentGateway;
  readonly deps: CommandDeps;
  readonly commands: CommandHandler;
  /** Another handler on the same tables, e.g. with snapshots off or another retry budget. */
  readonly handlerWith: (overrides: Partial<CommandDeps>) => CommandHandler;
};

/**
 * A command handler on fresh storage of the given kind: DynamoDB Local for what is about
 * storage (streams, concurrency, counters under contention, the tables' streams), the in-memory
 * store for what commands decide. `endpoint`: a DynamoDB Local of the test file's own, instead
 * of the one the suite shares.
 */
export async function freshCommands(prefix: string, overrides?: Partial<CommandDeps>, store?: "dynamodb", endpoint?: string): Promise<CommandsFixture>;
export async function freshCommands(prefix: string, overrides: Partial<CommandDeps>, store: "memory"): Promise<CommandsFixture<MemoryStoreFixture>>;
export async function freshCommands(
  prefix: string,
  overrides: Partial<CommandDeps> = {},
  store: StoreKind = "dynamodb",
  endpoint?: string,
): Promise<CommandsFixture<StoreFixture | MemoryStoreFixture>> {
  const f = store === "memory" ? freshMemoryStore() : await freshStore(prefix, endpoint);
  const payments = new LocalPaymentGateway();
  const newId = monotonicFactory();
  const deps: CommandDeps = {
    store: f.store,
    snapshots: f.kind === "memory" ? createInMemorySnapshotStore(f.table) : createSnapshotStore({ client: f.client, tableName: f.names.events }),
    payments,
    clock: () => new Date(),
    newId: () => newId(),
    random: Math.random,
    onBackgroundError: (e) => {
      throw e;
    },
    ...overrides,
  };
  return { ...f, payments, deps, commands: createCommandHandler(deps), handlerWith: (o) => createCommandHandler({ ...deps, ...o }) };
}

export const asAdmin: CommandMeta = { actor: "admin:root", correlationId: "corr-test" };
export const asCustomer = (customerId: string, commandId?: string): CommandMeta => ({
  actor: `customer:${customerId}`,
  correlationId: "corr-test",
  ...(commandId === undefined ? {} : { commandId }),
});

/** The success of a command, or a test failure that shows the error. */
export const ok = <R extends CommandResult>(outcome: Either<CommandError, CommandOutcome<CommandResult>>): CommandOutcome<R> => {
  if (isLeft(outcome)) throw new Error(`expected success, got ${JSON.stringify(outcome.left)}`);
  return outcome.right as CommandOutcome<R>;
};

export const failure = (outcome: Either<CommandError, CommandOutcome<CommandResult>>): CommandError => {
  if (!isLeft(outcome)) throw new Error(`expected a failure, got ${JSON.stringify(outcome.right)}`);
  return outcome.left;
};

let isbnSeq = 0;
/** A valid ISBN-13 (978 prefix, correct check digit), different on each call. */
export const nextIsbn = (): string => {
  const body = `978${String(100000000 + isbnSeq++).slice(-9)}`;
  return body + String(isbn13CheckDigit(body));
};

export const addBook = (bookId: string, priceCents = 1500) => ({
  type: "AddBook" as const,
  bookId,
  title: `Book ${bookId}`,
  authors: ["A. Writer"],
  isbn: nextIsbn(),
  category: "fiction",
  description: "A book for tests.",
  priceCents,
  currency: "EUR",
});
