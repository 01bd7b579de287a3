import * as t from "io-ts";
import { left, right, type Either } from "fp-ts/lib/Either.js";
import { absurd } from "fp-ts/lib/function.js";
import { event, Id, Int, type EventOf, streams } from "../events/index.js";
import type { Decider } from "./decider.js";
import { errors, type DomainError } from "./errors.js";
import { strict } from "./strict.js";
import { isBlank, isCurrency, isPositiveCents, normalizeIsbn13 } from "./validation.js";
import { defineAggregate } from "./aggregate.js";
import { decisionSlice } from "./slice.js";

// Codecs check shape only; the rules (ISBN checksum, a real currency, a positive price) are the
// decider's, so they hold for every caller and are tested as scenarios.
export const AddBook = strict({
  type: t.literal("AddBook"),
  bookId: Id,
  title: t.string,
  authors: t.array(t.string),
  isbn: t.string,
  category: t.string,
  description: t.string,
  priceCents: Int,
  currency: t.string,
});
export const ChangeBookDetails = strict(
  { type: t.literal("ChangeBookDetails"), bookId: Id },
  { title: t.string, authors: t.array(t.string), category: t.string, description: t.string },
);
export const ChangeBookPrice = strict({ type: t.literal("ChangeBookPrice"), bookId: Id, priceCents: Int, currency: t.string });
export const DiscontinueBook = strict({ type: t.literal("DiscontinueBook"), bookId: Id });
export const BookCommand = t.union([AddBook, ChangeBookDetails, ChangeBookPrice, DiscontinueBook]);
export type BookCommand = t.TypeOf<typeof BookCommand>;

export type BookEvent = EventOf<"BookAdded" | "BookDetailsChanged" | "BookPriceChanged" | "BookDiscontinued">;

export interface Book {
  readonly bookId: string;
  readonly title: string;
  readonly authors: string[];
  readonly isbn: string;
  readonly category: string;
  readonly description: string;
  readonly priceCents: number;
  readonly currency: string;
  readonly discontinued: boolean;
}
/** `null` until the book is added. */
export type BookState = Book | null;

/** The catalogue as the command handler read it: the books a cart, rating or checkout command mentions. */
export interface CatalogueContext {
  readonly books: ReadonlyMap<string, Book>;
}

const evolve = (state: BookState, e: BookEvent): BookState => {
  if (e.type === "BookAdded") return { ...e.data, discontinued: false };
  if (state === null) return state;
  switch (e.type) {
    case "BookDetailsChanged":
      return { ...state, ...e.data };
    case "BookPriceChanged":
      return { ...state, priceCents: e.data.priceCents, currency: e.data.currency };
    case "BookDiscontinued":
      return { ...state, discontinued: true };
    default:
      return absurd(e);
  }
};

const checkPrice = (priceCents: number, currency: string): DomainError | undefined =>
  !isPositiveCents(priceCents) ? errors.invalidPrice(priceCents) : !isCurrency(currency) ? errors.unknownCurrency(currency) : undefined;

const checkAuthors = (authors: readonly string[]): DomainError | undefined =>
  authors.length === 0 || authors.some(isBlank) ? errors.missingAuthors() : undefined;

const addBook = (cmd: t.TypeOf<typeof AddBook>, state: BookState): Either<DomainError, BookEvent[]> => {
  if (state !== null) return left(errors.bookAlreadyExists(cmd.bookId));
  if (isBlank(cmd.title)) return left(errors.missingTitle());
  const invalid = checkAuthors(cmd.authors) ?? checkPrice(cmd.priceCents, cmd.currency);
  if (invalid) return left(invalid);
  const isbn = normalizeIsbn13(cmd.isbn);
  if (isbn === undefined) return left(errors.invalidIsbn(cmd.isbn));
  const { type: _type, ...data } = cmd;
  return right([
    event("BookAdded", { ...data, title: cmd.title.trim(), authors: cmd.authors.map((a) => a.trim()), isbn, category: cmd.category.trim() }),
  ]);
};

/** Only the fields that really change are recorded; a request that changes nothing records nothing. */
const changeDetails = (cmd: t.TypeOf<typeof ChangeBookDetails>, book: Book): Either<DomainError, BookEvent[]> => {
  if (cmd.title !== undefined && isBlank(cmd.title)) return left(errors.missingTitle());
  const invalidAuthors = cmd.authors && checkAuthors(cmd.authors);
  if (invalidAuthors) return left(invalidAuthors);
  const next = {
    title: cmd.title?.trim(),
    authors: cmd.authors?.map((a) => a.trim()),
    category: cmd.category?.trim(),
    description: cmd.description,
  };
  const changed = Object.fromEntries(
    Object.entries(next).filter(([k, v]) => v !== undefined && JSON.stringify(v) !== JSON.stringify(book[k as keyof typeof next])),
  );
  return right(Object.keys(changed).length === 0 ? [] : [event("BookDetailsChanged", { bookId: book.bookId, ...changed })]);
};

const changePrice = (cmd: t.TypeOf<typeof ChangeBookPrice>, book: Book): Either<DomainError, BookEvent[]> => {
  const invalid = checkPrice(cmd.priceCents, cmd.currency);
  if (invalid) return left(invalid);
  if (cmd.priceCents === book.priceCents && cmd.currency === book.currency) return right([]);
  return right([event("BookPriceChanged", { bookId: book.bookId, priceCents: cmd.priceCents, currency: cmd.currency })]);
};

const decide = (cmd: BookCommand, state: BookState): Either<DomainError, BookEvent[]> => {
  if (cmd.type === "AddBook") return addBook(cmd, state);
  if (state === null) return left(errors.bookNotFound(cmd.bookId));
  switch (cmd.type) {
    case "ChangeBookDetails":
      return state.discontinued ? left(errors.bookDiscontinued(state.bookId)) : changeDetails(cmd, state);
    case "ChangeBookPrice":
      return state.discontinued ? left(errors.bookDiscontinued(state.bookId)) : changePrice(cmd, state);
    case "DiscontinueBook":
      // Withdrawing twice is harmless: the book is withdrawn either way.
      return right(state.discontinued ? [] : [event("BookDiscontinued", { bookId: state.bookId })]);
    default:
      return absurd(cmd);
  }
};

export const bookDecider: Decider<BookCommand, BookState, BookEvent, DomainError> = {
  initialState: null,
  evolve,
  decide,
};

export const bookAggregate = defineAggregate<BookState>("book", streams.book, bookDecider);

/** The catalogue's commands: each writes its book's stream. */
export const bookSlice = decisionSlice({
  codec: BookCommand,
  types: ["AddBook", "ChangeBookDetails", "ChangeBookPrice", "DiscontinueBook"],
  target: (c) => ({ aggregate: bookAggregate, id: c.bookId }),
  decide: (c, s) => bookDecider.decide(c, s),
});
