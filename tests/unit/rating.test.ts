import { describe, it } from "vitest";
import { event } from "../../events/index.js";
import { ratingDecider } from "../../domain/rating.js";
import { given } from "../../domain/testing.js";
import { catalogueOf, sicp } from "./fixtures.js";

const rate = (stars: number) => ({ type: "RateBook" as const, bookId: "sicp", customerId: "alice", stars });
const rated = (stars: number, previousStars: number | null) => event("BookRated", { bookId: "sicp", customerId: "alice", stars, previousStars });
const catalogue = catalogueOf(sicp);

describe("Rating", () => {
  it("any customer rates a book 1 to 5 stars", () => {
    given(ratingDecider).when(rate(4), catalogue).then(rated(4, null));
  });

  it("re-rating replaces the earlier stars and says which", () => {
    given(ratingDecider, rated(4, null)).when(rate(2), catalogue).then(rated(2, 4));
    given(ratingDecider, rated(4, null), rated(2, 4)).when(rate(5), catalogue).then(rated(5, 2));
  });

  it("the same stars again change nothing", () => {
    given(ratingDecider, rated(4, null)).when(rate(4), catalogue).then();
  });

  it.each([0, 6, 3.5])("refuses %d stars", (stars) => {
    given(ratingDecider).when(rate(stars), catalogue).thenFails({ kind: "InvalidStars", stars });
  });

  it("refuses a book that does not exist; a discontinued one may still be rated", () => {
    given(ratingDecider).when(rate(3), catalogueOf()).thenFails({ kind: "BookNotFound", bookId: "sicp" });
    given(ratingDecider).when(rate(3), catalogueOf({ ...sicp, discontinued: true })).then(rated(3, null));
  });
});
