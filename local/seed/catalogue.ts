import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Book } from "../../domain/book.js";

/** A catalogue entry as the domain knows it, with the copies to receive. */
export type SeedBook = Omit<Book, "discontinued"> & { readonly stock: number };

/** The ISBN-13 check digit: weights 1,3,1,3… over the first twelve digits, then up to the next ten. */
export const isbn13CheckDigit = (first12: string): number => {
  if (!/^\d{12}$/.test(first12)) throw new Error(`not twelve digits: ${first12}`);
  const sum = [...first12].reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return (10 - (sum % 10)) % 10;
};

/**
 * Titles, authors and years are real; the ISBNs are not the editions' own (those would have to be
 * looked up one by one) but are valid ISBN-13s made from the line number, so they are stable.
 */
const isbnFor = (line: number): string => {
  const first12 = `978099${String(100000 + line * 7).padStart(6, "0")}`;
  return `${first12}${isbn13CheckDigit(first12)}`;
};

/** A number from a title, so prices and stock look varied but are the same on every run. */
const spread = (text: string, salt: string, min: number, max: number): number => {
  const n = createHash("sha256").update(`${salt}:${text}`).digest().readUInt32BE(0);
  return min + (n % (max - min + 1));
};

const yearText = (year: number): string => (year < 0 ? `around ${-year} BC` : String(year));

export const seedCatalogue = (): SeedBook[] => {
  const text = readFileSync(new URL("./books.txt", import.meta.url), "utf8");
  const lines = text.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"));
  return lines.map((line, i) => {
    const [title = "", authorList = "", category = "", year = "0"] = line.split("|").map((s) => s.trim());
    const authors = authorList.split(";").map((a) => a.trim());
    const isbn = isbnFor(i);
    return {
      bookId: `bk-${isbn}`,
      title,
      authors,
      isbn,
      category,
      description: `${title}, by ${authors.join(" and ")}; first published ${yearText(Number(year))}.`,
      priceCents: spread(title, "price", 5, 30) * 100 - 1,
      currency: "EUR",
      stock: spread(title, "stock", 5, 60),
    };
  });
};
