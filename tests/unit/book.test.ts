import { describe, it } from "vitest";
import { event } from "../../events/index.js";
import { bookDecider } from "../../domain/book.js";
import { given } from "../../domain/testing.js";
import { bookAdded, sicp } from "./fixtures.js";

const { discontinued: _d, ...sicpData } = sicp;
const addSicp = { type: "AddBook" as const, ...sicpData };

describe("Book", () => {
  it("adds a book with a valid ISBN-13, dropping hyphens and trimming the title and authors", () => {
    given(bookDecider)
      .when({ ...addSicp, isbn: "978-0-262-03384-8", title: "  SICP ", authors: [" Abelson ", "Sussman"] })
      .then(event("BookAdded", { ...sicpData, title: "SICP", authors: ["Abelson", "Sussman"] }));
  });

  it("refuses an ISBN-13 whose check digit is wrong", () => {
    given(bookDecider).when({ ...addSicp, isbn: "9780262033849" }).thenFails({ kind: "InvalidIsbn", isbn: "9780262033849" });
  });

  it.each(["0262033844", "9770262033848", "97802620338481", "978026203384X"])("refuses %s, which is not an ISBN-13", (isbn) => {
    given(bookDecider).when({ ...addSicp, isbn }).thenFails("InvalidIsbn");
  });

  it("requires a title", () => {
    given(bookDecider).when({ ...addSicp, title: "   " }).thenFails("MissingTitle");
  });

  it("requires at least one author, none blank", () => {
    given(bookDecider).when({ ...addSicp, authors: [] }).thenFails("MissingAuthors");
    given(bookDecider).when({ ...addSicp, authors: ["Abelson", " "] }).thenFails("MissingAuthors");
  });

  it("requires a positive whole price in cents", () => {
    given(bookDecider).when({ ...addSicp, priceCents: 0 }).thenFails({ kind: "InvalidPrice", priceCents: 0 });
    given(bookDecider).when({ ...addSicp, priceCents: 12.5 }).thenFails("InvalidPrice");
  });

  it("requires an ISO 4217 currency", () => {
    given(bookDecider).when({ ...addSicp, currency: "XYZ" }).thenFails({ kind: "UnknownCurrency", currency: "XYZ" });
  });

  it("does not add the same book twice", () => {
    given(bookDecider, bookAdded(sicp)).when(addSicp).thenFails("BookAlreadyExists");
  });

  describe("changing details", () => {
    it("records only the fields that change", () => {
      given(bookDecider, bookAdded(sicp))
        .when({ type: "ChangeBookDetails", bookId: "sicp", title: "SICP, 2nd edition", authors: [...sicp.authors], description: "New." })
        .then(event("BookDetailsChanged", { bookId: "sicp", title: "SICP, 2nd edition", description: "New." }));
    });

    it("records nothing when nothing changes", () => {
      given(bookDecider, bookAdded(sicp)).when({ type: "ChangeBookDetails", bookId: "sicp", category: "computing" }).then();
    });

    it("keeps the rules of a new book", () => {
      given(bookDecider, bookAdded(sicp)).when({ type: "ChangeBookDetails", bookId: "sicp", title: "" }).thenFails("MissingTitle");
      given(bookDecider, bookAdded(sicp)).when({ type: "ChangeBookDetails", bookId: "sicp", authors: [] }).thenFails("MissingAuthors");
    });

    it("refuses an unknown book and a discontinued one", () => {
      given(bookDecider).when({ type: "ChangeBookDetails", bookId: "nope", title: "x" }).thenFails({ kind: "BookNotFound", bookId: "nope" });
      given(bookDecider, bookAdded(sicp), event("BookDiscontinued", { bookId: "sicp" }))
        .when({ type: "ChangeBookDetails", bookId: "sicp", title: "x" })
        .thenFails("BookDiscontinued");
    });

    it("the changed details are what the book then holds", () => {
      given(bookDecider, bookAdded(sicp), event("BookDetailsChanged", { bookId: "sicp", title: "SICP 2e" }))
        .when({ type: "ChangeBookDetails", bookId: "sicp", title: "SICP 2e" })
        .then();
    });
  });

  describe("changing the price", () => {
    it("records a new price", () => {
      given(bookDecider, bookAdded(sicp))
        .when({ type: "ChangeBookPrice", bookId: "sicp", priceCents: 3900, currency: "EUR" })
        .then(event("BookPriceChanged", { bookId: "sicp", priceCents: 3900, currency: "EUR" }));
    });

    it("records nothing when the price is the same, also after an earlier change", () => {
      given(bookDecider, bookAdded(sicp), event("BookPriceChanged", { bookId: "sicp", priceCents: 3900, currency: "USD" }))
        .when({ type: "ChangeBookPrice", bookId: "sicp", priceCents: 3900, currency: "USD" })
        .then();
    });

    it("keeps the price rules", () => {
      given(bookDecider, bookAdded(sicp)).when({ type: "ChangeBookPrice", bookId: "sicp", priceCents: -1, currency: "EUR" }).thenFails("InvalidPrice");
      given(bookDecider, bookAdded(sicp)).when({ type: "ChangeBookPrice", bookId: "sicp", priceCents: 100, currency: "EURO" }).thenFails("UnknownCurrency");
    });

    it("refuses a discontinued book", () => {
      given(bookDecider, bookAdded(sicp), event("BookDiscontinued", { bookId: "sicp" }))
        .when({ type: "ChangeBookPrice", bookId: "sicp", priceCents: 100, currency: "EUR" })
        .thenFails({ kind: "BookDiscontinued", bookId: "sicp" });
    });
  });

  describe("discontinuing", () => {
    it("withdraws the book once; again is a no-op", () => {
      given(bookDecider, bookAdded(sicp)).when({ type: "DiscontinueBook", bookId: "sicp" }).then(event("BookDiscontinued", { bookId: "sicp" }));
      given(bookDecider, bookAdded(sicp), event("BookDiscontinued", { bookId: "sicp" })).when({ type: "DiscontinueBook", bookId: "sicp" }).then();
    });

    it("refuses an unknown book", () => {
      given(bookDecider).when({ type: "DiscontinueBook", bookId: "sicp" }).thenFails("BookNotFound");
    });
  });
});
