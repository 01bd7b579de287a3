/** A short line: what the customer asked for and what the shelf has. */
export interface ShortLine {
  readonly bookId: string;
  readonly requested: number;
  readonly available: number;
}
/** What a total limit is about: one line of a cart or order, a cart, or an order at checkout. */
export type TotalScope = "line" | "cart" | "order";
export interface UnavailableBook {
  readonly bookId: string;
  readonly why: "unknown" | "discontinued";
}

/**
 * Every expected failure of the domain, discriminated by `kind`, each with a sentence a person
 * can read. `domainErrorKinds` below says how a caller should treat each.
 */
export type DomainError =
  // the command is well-formed but breaks a rule about its values
  | { readonly kind: "InvalidIsbn"; readonly message: string; readonly isbn: string }
  | { readonly kind: "InvalidPrice"; readonly message: string; readonly priceCents: number }
  | { readonly kind: "UnknownCurrency"; readonly message: string; readonly currency: string }
  | { readonly kind: "MissingTitle"; readonly message: string }
  | { readonly kind: "MissingAuthors"; readonly message: string }
  | { readonly kind: "InvalidQuantity"; readonly message: string; readonly quantity: number; readonly min: number; readonly max: number }
  | { readonly kind: "InvalidAdjustment"; readonly message: string; readonly delta: number }
  | { readonly kind: "MissingReason"; readonly message: string }
  | { readonly kind: "InvalidStars"; readonly message: string; readonly stars: number }
  | { readonly kind: "MissingField"; readonly message: string; readonly field: string }
  | { readonly kind: "InvalidCountry"; readonly message: string; readonly field: string; readonly country: string }
  // the command is well-formed but lacks something it cannot go on without
  | { readonly kind: "ShippingAddressRequired"; readonly message: string; readonly field: string }
  // the command is well-formed but would take a total past what the shop can charge
  | {
      readonly kind: "TotalTooLarge";
      readonly message: string;
      readonly scope: TotalScope;
      readonly totalCents: number;
      readonly maxCents: number;
      readonly bookId?: string;
    }
  // the thing the command is about does not exist (or is not the caller's)
  | { readonly kind: "BookNotFound"; readonly message: string; readonly bookId: string }
  | { readonly kind: "CartItemNotFound"; readonly message: string; readonly bookId: string }
  | { readonly kind: "OrderNotFound"; readonly message: string; readonly orderId: string }
  | { readonly kind: "ReservationNotFound"; readonly message: string; readonly bookId: string; readonly orderId: string }
  | { readonly kind: "PaymentNotRequested"; readonly message: string; readonly orderId: string }
  | { readonly kind: "ShipmentNotFound"; readonly message: string; readonly orderId: string; readonly shipmentId: string }
  // the command conflicts with the current state
  | { readonly kind: "BookAlreadyExists"; readonly message: string; readonly bookId: string }
  | { readonly kind: "BookDiscontinued"; readonly message: string; readonly bookId: string }
  | { readonly kind: "CartFull"; readonly message: string; readonly maxLines: number }
  | { readonly kind: "CurrencyMismatch"; readonly message: string; readonly expected: string; readonly actual: string }
  | { readonly kind: "EmptyCart"; readonly message: string }
  | { readonly kind: "BooksUnavailable"; readonly message: string; readonly books: readonly UnavailableBook[] }
  | { readonly kind: "InsufficientStock"; readonly message: string; readonly lines: readonly ShortLine[] }
  | { readonly kind: "ReservationConflict"; readonly message: string; readonly bookId: string; readonly orderId: string }
  | { readonly kind: "StockBelowReserved"; readonly message: string; readonly available: number; readonly delta: number }
  | { readonly kind: "OrderAlreadyExists"; readonly message: string; readonly orderId: string }
  | { readonly kind: "IllegalOrderTransition"; readonly message: string; readonly orderId: string; readonly status: string; readonly action: string }
  | { readonly kind: "PaymentAmountMismatch"; readonly message: string; readonly expectedCents: number; readonly actualCents: number }
  | { readonly kind: "PaymentSettled"; readonly message: string; readonly orderId: string; readonly status: string }
  | { readonly kind: "ShipmentConflict"; readonly message: string; readonly orderId: string; readonly shipmentId: string }
  | { readonly kind: "NothingToShip"; readonly message: string; readonly orderId: string }
  | { readonly kind: "ShipsTooMuch"; readonly message: string; readonly orderId: string; readonly lines: readonly ShortLine[] };

export type ErrorKind = DomainError["kind"];
export type ErrorOf<K extends ErrorKind> = Extract<DomainError, { kind: K }>;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Constructors, so every error of a kind reads the same wherever it is raised. */
export const errors = {
  invalidIsbn: (isbn: string): ErrorOf<"InvalidIsbn"> => ({
    kind: "InvalidIsbn",
    isbn,
    message: `"${isbn}" is not a valid ISBN-13 (978/979, 13 digits, correct check digit)`,
  }),
  invalidPrice: (priceCents: number): ErrorOf<"InvalidPrice"> => ({
    kind: "InvalidPrice",
    priceCents,
    message: `a price must be a positive whole number of cents, not ${priceCents}`,
  }),
  unknownCurrency: (currency: string): ErrorOf<"UnknownCurrency"> => ({
    kind: "UnknownCurrency",
    currency,
    message: `"${currency}" is not an ISO 4217 currency code`,
  }),
  missingTitle: (): ErrorOf<"MissingTitle"> => ({ kind: "MissingTitle", message: "a book needs a title" }),
  missingAuthors: (): ErrorOf<"MissingAuthors"> => ({
    kind: "MissingAuthors",
    message: "a book needs at least one author, and no author may be blank",
  }),
  invalidQuantity: (quantity: number, min: number, max: number): ErrorOf<"InvalidQuantity"> => ({
    kind: "InvalidQuantity",
    quantity,
    min,
    max,
    message: `quantity must be a whole number from ${min} to ${max}, not ${quantity}`,
  }),
  invalidAdjustment: (delta: number): ErrorOf<"InvalidAdjustment"> => ({
    kind: "InvalidAdjustment",
    delta,
    message: `a stock adjustment must change the count by a non-zero whole number, not ${delta}`,
  }),
  missingReason: (): ErrorOf<"MissingReason"> => ({ kind: "MissingReason", message: "a reason is required" }),
  invalidStars: (stars: number): ErrorOf<"InvalidStars"> => ({
    kind: "InvalidStars",
    stars,
    message: `a rating is 1 to 5 whole stars, not ${stars}`,
  }),
  /** `field`: a JSON pointer's path below the body (`shippingAddress/city`). */
  missingField: (field: string): ErrorOf<"MissingField"> => ({ kind: "MissingField", field, message: `${field} must not be blank` }),
  invalidCountry: (field: string, country: string): ErrorOf<"InvalidCountry"> => ({
    kind: "InvalidCountry",
    field,
    country,
    message: `"${country.slice(0, 8)}" is not an ISO 3166-1 alpha-2 country code (two capital letters, such as DE)`,
  }),
  shippingAddressRequired: (): ErrorOf<"ShippingAddressRequired"> => ({
    kind: "ShippingAddressRequired",
    field: "shippingAddress",
    message: "an order needs a shipping address: send shippingAddress",
  }),
  totalTooLarge: (scope: TotalScope, totalCents: number, maxCents: number, bookId?: string): ErrorOf<"TotalTooLarge"> => ({
    kind: "TotalTooLarge",
    scope,
    totalCents,
    maxCents,
    ...(bookId === undefined ? {} : { bookId }),
    message: `${scope === "line" ? `the line of book ${bookId ?? "?"}` : `the ${scope}`} would total ${totalCents} cents; at most ${maxCents} cents are allowed`,
  }),
  bookNotFound: (bookId: string): ErrorOf<"BookNotFound"> => ({ kind: "BookNotFound", bookId, message: `no book ${bookId}` }),
  cartItemNotFound: (bookId: string): ErrorOf<"CartItemNotFound"> => ({
    kind: "CartItemNotFound",
    bookId,
    message: `book ${bookId} is not in the cart`,
  }),
  orderNotFound: (orderId: string): ErrorOf<"OrderNotFound"> => ({ kind: "OrderNotFound", orderId, message: `no order ${orderId}` }),
  reservationNotFound: (bookId: string, orderId: string): ErrorOf<"ReservationNotFound"> => ({
    kind: "ReservationNotFound",
    bookId,
    orderId,
    message: `book ${bookId} holds no open reservation for order ${orderId}`,
  }),
  paymentNotRequested: (orderId: string): ErrorOf<"PaymentNotRequested"> => ({
    kind: "PaymentNotRequested",
    orderId,
    message: `no payment was requested for order ${orderId}`,
  }),
  shipmentNotFound: (orderId: string, shipmentId: string): ErrorOf<"ShipmentNotFound"> => ({
    kind: "ShipmentNotFound",
    orderId,
    shipmentId,
    message: `order ${orderId} has no shipment ${shipmentId}`,
  }),
  bookAlreadyExists: (bookId: string): ErrorOf<"BookAlreadyExists"> => ({
    kind: "BookAlreadyExists",
    bookId,
    message: `book ${bookId} already exists`,
  }),
  bookDiscontinued: (bookId: string): ErrorOf<"BookDiscontinued"> => ({
    kind: "BookDiscontinued",
    bookId,
    message: `book ${bookId} is discontinued`,
  }),
  cartFull: (maxLines: number): ErrorOf<"CartFull"> => ({
    kind: "CartFull",
    maxLines,
    message: `a cart holds at most ${plural(maxLines, "different book")}`,
  }),
  currencyMismatch: (expected: string, actual: string): ErrorOf<"CurrencyMismatch"> => ({
    kind: "CurrencyMismatch",
    expected,
    actual,
    message: `this cart is in ${expected}; a book priced in ${actual} cannot join it`,
  }),
  emptyCart: (): ErrorOf<"EmptyCart"> => ({ kind: "EmptyCart", message: "the cart is empty" }),
  booksUnavailable: (books: readonly UnavailableBook[]): ErrorOf<"BooksUnavailable"> => ({
    kind: "BooksUnavailable",
    books,
    message: `no longer for sale: ${books.map((b) => `${b.bookId} (${b.why})`).join(", ")}`,
  }),
  insufficientStock: (lines: readonly ShortLine[]): ErrorOf<"InsufficientStock"> => ({
    kind: "InsufficientStock",
    lines,
    message: `not enough stock: ${lines.map((l) => `${l.bookId} wants ${l.requested}, ${l.available} available`).join("; ")}`,
  }),
  reservationConflict: (bookId: string, orderId: string): ErrorOf<"ReservationConflict"> => ({
    kind: "ReservationConflict",
    bookId,
    orderId,
    message: `order ${orderId} already holds a different reservation of book ${bookId}`,
  }),
  /** `available`: the copies not reserved, all a count may write down (on hand less reserved). */
  stockBelowReserved: (available: number, delta: number): ErrorOf<"StockBelowReserved"> => ({
    kind: "StockBelowReserved",
    available,
    delta,
    message: `adjusting the count by ${delta} would take away more than the ${available} copies not reserved`,
  }),
  orderAlreadyExists: (orderId: string): ErrorOf<"OrderAlreadyExists"> => ({
    kind: "OrderAlreadyExists",
    orderId,
    message: `order ${orderId} already exists`,
  }),
  illegalOrderTransition: (orderId: string, status: string, action: string): ErrorOf<"IllegalOrderTransition"> => ({
    kind: "IllegalOrderTransition",
    orderId,
    status,
    action,
    message: `order ${orderId} is ${status} and cannot be ${action}`,
  }),
  paymentAmountMismatch: (expectedCents: number, actualCents: number): ErrorOf<"PaymentAmountMismatch"> => ({
    kind: "PaymentAmountMismatch",
    expectedCents,
    actualCents,
    message: `the payment of ${actualCents} cents does not match the order total of ${expectedCents} cents`,
  }),
  paymentSettled: (orderId: string, status: string): ErrorOf<"PaymentSettled"> => ({
    kind: "PaymentSettled",
    orderId,
    status,
    message: `the payment for order ${orderId} is already ${status}`,
  }),
  shipmentConflict: (orderId: string, shipmentId: string): ErrorOf<"ShipmentConflict"> => ({
    kind: "ShipmentConflict",
    orderId,
    shipmentId,
    message: `shipment ${shipmentId} of order ${orderId} was recorded with other contents`,
  }),
  nothingToShip: (orderId: string): ErrorOf<"NothingToShip"> => ({ kind: "NothingToShip", orderId, message: `every copy of order ${orderId} has shipped` }),
  shipsTooMuch: (orderId: string, lines: readonly ShortLine[]): ErrorOf<"ShipsTooMuch"> => ({
    kind: "ShipsTooMuch",
    orderId,
    lines,
    message: `more than order ${orderId} has left to ship: ${lines.map((l) => `${l.bookId} ${l.requested} of ${l.available} remaining`).join("; ")}`,
  }),
} as const;

/**
 * How a caller should treat each kind of error: the request itself is wrong (and which field),
 * it refers to nothing, it clashes with the state, or it is well-formed but goes past a published
 * limit. The HTTP status of every kind follows from this table alone (invalid 400, not-found 404,
 * conflict 409, limit 422, incomplete 422), so a new kind is declared here, beside its constructor, and nowhere else.
 */
export type ErrorClass = "invalid" | "not-found" | "conflict" | "limit" | "incomplete";
export interface ErrorKindInfo {
  readonly class: ErrorClass;
  /**
   * For an `invalid` or `incomplete` kind: the request field it is about, so it reads like a
   * failing codec (an error with a `field` of its own names it instead).
   */
  readonly field?: string;
}

export const domainErrorKinds: Readonly<Record<ErrorKind, ErrorKindInfo>> = {
  InvalidIsbn: { class: "invalid", field: "isbn" },
  InvalidPrice: { class: "invalid", field: "priceCents" },
  UnknownCurrency: { class: "invalid", field: "currency" },
  MissingTitle: { class: "invalid", field: "title" },
  MissingAuthors: { class: "invalid", field: "authors" },
  InvalidQuantity: { class: "invalid", field: "quantity" },
  InvalidAdjustment: { class: "invalid", field: "delta" },
  MissingReason: { class: "invalid", field: "reason" },
  InvalidStars: { class: "invalid", field: "stars" },
  MissingField: { class: "invalid" },
  InvalidCountry: { class: "invalid" },
  ShippingAddressRequired: { class: "incomplete" },
  TotalTooLarge: { class: "limit" },
  BookNotFound: { class: "not-found" },
  CartItemNotFound: { class: "not-found" },
  OrderNotFound: { class: "not-found" },
  ReservationNotFound: { class: "not-found" },
  PaymentNotRequested: { class: "not-found" },
  ShipmentNotFound: { class: "not-found" },
  BookAlreadyExists: { class: "conflict" },
  BookDiscontinued: { class: "conflict" },
  CartFull: { class: "conflict" },
  CurrencyMismatch: { class: "conflict" },
  EmptyCart: { class: "conflict" },
  BooksUnavailable: { class: "conflict" },
  InsufficientStock: { class: "conflict" },
  ReservationConflict: { class: "conflict" },
  StockBelowReserved: { class: "conflict" },
  OrderAlreadyExists: { class: "conflict" },
  IllegalOrderTransition: { class: "conflict" },
  PaymentAmountMismatch: { class: "conflict" },
  PaymentSettled: { class: "conflict" },
  ShipmentConflict: { class: "conflict" },
  NothingToShip: { class: "conflict" },
  ShipsTooMuch: { class: "conflict" },
};
