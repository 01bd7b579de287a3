import { describe, expect, it } from "vitest";
import { domainErrorKinds, errors, type DomainError, type ErrorClass } from "../../domain/errors.js";

// The HTTP layer turns these classes into 400, 404, 409 and 422 (limit and incomplete); moving a kind between them changes the API.
const expected: [DomainError, ErrorClass][] = [
  [errors.invalidIsbn("1"), "invalid"],
  [errors.invalidPrice(0), "invalid"],
  [errors.unknownCurrency("XYZ"), "invalid"],
  [errors.missingTitle(), "invalid"],
  [errors.missingAuthors(), "invalid"],
  [errors.invalidQuantity(0, 1, 99), "invalid"],
  [errors.invalidAdjustment(0), "invalid"],
  [errors.missingReason(), "invalid"],
  [errors.invalidStars(9), "invalid"],
  [errors.missingField("shippingAddress/city"), "invalid"],
  [errors.invalidCountry("shippingAddress/country", "GBR"), "invalid"],
  [errors.shippingAddressRequired(), "incomplete"],
  [errors.shipmentNotFound("o", "s"), "not-found"],
  [errors.shipmentConflict("o", "s"), "conflict"],
  [errors.nothingToShip("o"), "conflict"],
  [errors.shipsTooMuch("o", [{ bookId: "b", requested: 2, available: 1 }]), "conflict"],
  [errors.totalTooLarge("order", 100_000_001, 100_000_000), "limit"],
  [errors.bookNotFound("b"), "not-found"],
  [errors.cartItemNotFound("b"), "not-found"],
  [errors.orderNotFound("o"), "not-found"],
  [errors.reservationNotFound("b", "o"), "not-found"],
  [errors.paymentNotRequested("o"), "not-found"],
  [errors.bookAlreadyExists("b"), "conflict"],
  [errors.bookDiscontinued("b"), "conflict"],
  [errors.cartFull(50), "conflict"],
  [errors.currencyMismatch("EUR", "USD"), "conflict"],
  [errors.emptyCart(), "conflict"],
  [errors.booksUnavailable([{ bookId: "b", why: "discontinued" }]), "conflict"],
  [errors.insufficientStock([{ bookId: "b", requested: 2, available: 1 }]), "conflict"],
  [errors.reservationConflict("b", "o"), "conflict"],
  [errors.stockBelowReserved(0, -1), "conflict"],
  [errors.orderAlreadyExists("o"), "conflict"],
  [errors.illegalOrderTransition("o", "shipped", "cancelled"), "conflict"],
  [errors.paymentAmountMismatch(2, 1), "conflict"],
  [errors.paymentSettled("o", "captured"), "conflict"],
];

describe("domain errors", () => {
  it.each(expected.map(([error, cls]) => [error.kind, cls, error] as const))("%s is %s", (_kind, cls, error) => {
    expect(domainErrorKinds[error.kind].class).toBe(cls);
  });

  it("every constructor is in the table above", () => {
    expect(new Set(expected.map(([e]) => e.kind)).size).toBe(Object.keys(errors).length);
  });

  it("messages read as sentences with the facts in them", () => {
    expect(errors.cartFull(1).message).toBe("a cart holds at most 1 different book");
    expect(errors.cartFull(50).message).toBe("a cart holds at most 50 different books");
    expect(errors.illegalOrderTransition("o1", "shipped", "cancelled").message).toBe("order o1 is shipped and cannot be cancelled");
    expect(errors.booksUnavailable([{ bookId: "b1", why: "discontinued" }]).message).toBe("no longer for sale: b1 (discontinued)");
  });
});
