import { isLeft, isRight } from "fp-ts/lib/Either.js";
import type * as t from "io-ts";
import { describe, expect, it } from "vitest";
import { AddBookBody, ChangeBookDetailsBody, SearchBooksQuery } from "../../handlers/http/codecs/books.js";
import { AddCartItemBody, ChangeCartItemBody } from "../../handlers/http/codecs/cart.js";
import { CheckoutBody } from "../../handlers/http/codecs/checkout.js";
import { ReceiveStockBody } from "../../handlers/http/codecs/inventory.js";
import { OrderIdPath } from "../../handlers/http/codecs/orders.js";
import { RateBookBody } from "../../handlers/http/codecs/ratings.js";
import { StreamIdPath } from "../../handlers/http/codecs/streams.js";
import { fieldErrors } from "../../handlers/http/field-errors.js";

/** The inputs of the routes the domain will wire: what each codec lets through and what it names. */
const failures = (codec: t.Decoder<unknown, unknown>, value: unknown) => {
  const r = codec.decode(value);
  return isLeft(r) ? fieldErrors("body", r.left).map((e) => `${e.pointer} ${e.detail}`) : [];
};

const book = {
  title: "Kindred",
  authors: ["Octavia E. Butler"],
  isbn: "9780807083697",
  category: "fiction",
  description: "",
  priceCents: 1650,
  currency: "USD",
};

describe("request codecs", () => {
  it("a book needs every field, valid, and nothing more", () => {
    expect(failures(AddBookBody, book)).toEqual([]);
    expect(failures(AddBookBody, { ...book, authors: [] })).toEqual(["#/authors expected 1 to 20 authors, got []"]);
    expect(failures(AddBookBody, { ...book, isbn: "12345" })).toEqual(['#/isbn expected an ISBN-13, hyphens allowed, got "12345"']);
    expect(failures(AddBookBody, { ...book, priceCents: 12.5 })).toEqual(["#/priceCents expected an integer from 1 to 100000000, got 12.5"]);
    expect(failures(AddBookBody, { ...book, priceCents: 0 })).toEqual(["#/priceCents expected an integer from 1 to 100000000, got 0"]);
    expect(failures(AddBookBody, { ...book, currency: "XYZ" })).toEqual(['#/currency expected an ISO 4217 code, e.g. EUR, got "XYZ"']);
    expect(failures(AddBookBody, { ...book, currency: "usd", bookId: "mine" })).toEqual([
      "#/bookId unknown field",
      '#/currency expected an ISO 4217 code, e.g. EUR, got "usd"',
    ]);
    expect(failures(AddBookBody, { ...book, title: "   " })).toEqual(['#/title expected Title, got "   "']);
  });

  it("details change partially, but only known fields", () => {
    expect(failures(ChangeBookDetailsBody, { title: "New" })).toEqual([]);
    expect(failures(ChangeBookDetailsBody, { priceCents: 1 })).toEqual(["#/priceCents unknown field"]);
  });

  it("cart quantities are 1-99 and a client can set no price", () => {
    expect(failures(AddCartItemBody, { bookId: "01JABC", quantity: 99 })).toEqual([]);
    expect(failures(AddCartItemBody, { bookId: "01JABC", quantity: 100 })).toHaveLength(1);
    expect(failures(ChangeCartItemBody, { quantity: 0 })).toHaveLength(1);
    expect(failures(AddCartItemBody, { bookId: "../etc", quantity: 1, priceCents: 0 })).toEqual([
      "#/priceCents unknown field",
      expect.stringMatching(/^#\/bookId expected an id/),
    ]);
  });

  it("checkout takes no body or a payment token", () => {
    expect(isRight(CheckoutBody.decode(undefined))).toBe(true);
    expect(failures(CheckoutBody, { paymentToken: "tok_visa" })).toEqual([]);
    expect(failures(CheckoutBody, { paymentToken: "tok_visa", orderId: "x" })).toEqual(["#/orderId unknown field"]);
    expect(failures(CheckoutBody, [])).not.toEqual([]);
  });

  it("stock receipts, stars, and ids in paths", () => {
    expect(failures(ReceiveStockBody, { quantity: 0 })).toHaveLength(1);
    expect(failures(RateBookBody, { stars: 5 })).toEqual([]);
    expect(failures(RateBookBody, { stars: 6 })).toEqual(["#/stars expected an integer from 1 to 5, got 6"]);
    expect(isRight(OrderIdPath.decode({ orderId: "01JORDER" }))).toBe(true);
    expect(isRight(StreamIdPath.decode({ streamId: "order#01JORDER" }))).toBe(true);
    expect(isLeft(StreamIdPath.decode({ streamId: "order" }))).toBe(true);
  });

  it("query strings decode into numbers and enums, or name what is wrong", () => {
    expect(SearchBooksQuery.decode({ minPrice: "100", maxPrice: "2000", sort: "newest" })).toEqual({
      _tag: "Right",
      right: { minPrice: 100, maxPrice: 2000, sort: "newest" },
    });
    const r = SearchBooksQuery.decode({ minPrice: "1e3", sort: "cheapest", limit: "500" });
    expect(isLeft(r) ? fieldErrors("query", r.left).map((e) => e.parameter).sort() : []).toEqual(["limit", "minPrice", "sort"]);
  });
});
