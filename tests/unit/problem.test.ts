import { describe, expect, it } from "vitest";
import { domainErrorKinds, errors } from "../../domain/errors.js";
import { problemForError } from "../../handlers/http/problem.js";

describe("the one mapping from a refusal to HTTP", () => {
  it("follows the domain's own classes: invalid 400, not found 404, conflict 409, past a limit 422", () => {
    const samples = [
      errors.invalidIsbn("978"),
      errors.invalidPrice(0),
      errors.unknownCurrency("XXX"),
      errors.missingTitle(),
      errors.invalidQuantity(0, 1, 99),
      errors.invalidStars(6),
      errors.bookNotFound("b"),
      errors.cartItemNotFound("b"),
      errors.orderNotFound("o"),
      errors.paymentNotRequested("o"),
      errors.insufficientStock([{ bookId: "b", requested: 2, available: 1 }]),
      errors.emptyCart(),
      errors.illegalOrderTransition("o", "shipped", "cancelled"),
      errors.bookDiscontinued("b"),
      errors.totalTooLarge("cart", 100_000_001, 100_000_000),
    ];
    for (const e of samples) {
      expect(problemForError(e).status, e.kind).toBe({ invalid: 400, "not-found": 404, conflict: 409, limit: 422, incomplete: 422 }[domainErrorKinds[e.kind].class]);
    }
  });

  it("tells a total past its limit as a 422 with the limit, the total and what it is about", () => {
    expect(problemForError(errors.totalTooLarge("line", 9_900_000_000, 100_000_000, "b1")).problem).toEqual({
      type: "urn:bookstore:problem:limit-exceeded",
      title: "Limit exceeded",
      status: 422,
      detail: "the line of book b1 would total 9900000000 cents; at most 100000000 cents are allowed",
      kind: "TotalTooLarge",
      scope: "line",
      totalCents: 9_900_000_000,
      maxCents: 100_000_000,
      bookId: "b1",
    });
  });

  it("names the field a value rule refused, like a failing codec", () => {
    expect(problemForError(errors.invalidStars(6)).problem).toMatchObject({ status: 400, errors: [{ in: "body", pointer: "#/stars" }] });
  });

  it("keeps a business rule's details (short lines) and tells nothing about what is not found", () => {
    expect(problemForError(errors.insufficientStock([{ bookId: "b", requested: 2, available: 1 }])).problem).toMatchObject({
      kind: "InsufficientStock",
      lines: [{ bookId: "b", requested: 2, available: 1 }],
    });
    expect(problemForError(errors.orderNotFound("someone-elses")).problem.detail).not.toContain("someone-elses");
  });

  it("maps store refusals: concurrency 409, too large 413, an undecodable item 500 without its contents", () => {
    expect(problemForError({ kind: "ConcurrencyError" }).status).toBe(409);
    expect(problemForError({ kind: "TooManyItems", message: "101 items" }).status).toBe(413);
    const fault = problemForError({ kind: "StoredItemDecodeError", message: "pk book#1 priceCents twelve" });
    expect(fault.status).toBe(500);
    expect(JSON.stringify(fault.problem)).not.toMatch(/book#1|twelve/);
    expect(problemForError({ kind: "IdempotencyKeyReused", message: "k" }).status).toBe(422);
  });
});
