import * as t from "io-ts";
import { isLeft, left, right, type Either } from "fp-ts/lib/Either.js";
import { event, Id, type ShippingAddress } from "../events/index.js";
import type { Book } from "./book.js";
import { type CartEvent, type CartState, MAX_LINE_TOTAL_CENTS, MAX_TOTAL_CENTS } from "./cart.js";
import { errors, type DomainError, type ShortLine, type UnavailableBook } from "./errors.js";
import { inventoryDecider, type InventoryEvent, type InventoryState } from "./inventory.js";
import { orderDecider, ShippingAddressInput, type OrderEvent } from "./order.js";
import { strict } from "./strict.js";

/** The most one order may total: what one payment may charge (see `MAX_TOTAL_CENTS`). */
export const MAX_ORDER_TOTAL_CENTS = MAX_TOTAL_CENTS;

/** The customer and the new order's id come from the handler (JWT `sub`, id generator), never the body. */
export const Checkout = strict(
  { type: t.literal("Checkout"), customerId: Id, orderId: Id },
  { paymentToken: t.string, shippingAddress: ShippingAddressInput },
);
export type Checkout = t.TypeOf<typeof Checkout>;

/**
 * An address as the order will keep it: each field trimmed, an optional one left out when blank.
 * `field` names where it came from in the request, for the error.
 */
export const shippingAddressOf = (input: ShippingAddressInput, field = "shippingAddress"): Either<DomainError, ShippingAddress> => {
  const required = { name: input.name.trim(), line1: input.line1.trim(), city: input.city.trim(), postalCode: input.postalCode.trim() };
  for (const [k, v] of Object.entries(required)) if (v === "") return left(errors.missingField(`${field}/${k}`));
  const country = input.country.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) return left(errors.invalidCountry(`${field}/country`, input.country));
  const optional = Object.entries({ line2: input.line2, region: input.region, phone: input.phone }).flatMap(([k, v]) =>
    v === undefined || v.trim() === "" ? [] : [[k, v.trim()] as const],
  );
  return right({ ...required, country, ...Object.fromEntries(optional) });
};

export interface CheckoutInput {
  readonly customerId: string;
  readonly orderId: string;
  readonly cart: CartState;
  /**
   * The stock levels of every book in the cart, as the stock counters stand (a book never
   * stocked may be left out). They decide what to tell a customer who asks for too much; the
   * counters' own guards decide, when the reservation is written, that nothing is oversold.
   */
  readonly inventories: ReadonlyMap<string, InventoryState>;
  /** The catalogue entry of every book in the cart. */
  readonly books: ReadonlyMap<string, Book>;
  /** Where to ship: from the request, else the customer's default; none is refused. */
  readonly shippingAddress: ShippingAddressInput | null;
  readonly now: Date;
}

/** The events for each stream, to be appended in one transaction with each stream's expected version. */
export interface CheckoutDecision {
  readonly order: OrderEvent[];
  /** One `StockReserved` per line, for the order's reservation stream. */
  readonly reservation: InventoryEvent[];
  readonly cart: CartEvent[];
}

/**
 * Turns a cart into an order, a reservation per book and a checked-out cart, or into one error
 * that names every problem line at once, so the customer can fix the cart in one go.
 *
 * The order is priced from the catalogue as it is now, not from the prices shown when the
 * books were added: a cart may sit for weeks, and the price charged is the price at checkout.
 */
export const decideCheckout = (input: CheckoutInput): Either<DomainError, CheckoutDecision> => {
  const { cart, books, orderId } = input;
  if (cart.lines.length === 0) return left(errors.emptyCart());
  if (input.shippingAddress === null) return left(errors.shippingAddressRequired());
  const shippingAddress = shippingAddressOf(input.shippingAddress);
  if (isLeft(shippingAddress)) return shippingAddress;

  const unavailable: UnavailableBook[] = [];
  const priced: { book: Book; quantity: number }[] = [];
  for (const line of cart.lines) {
    const book = books.get(line.bookId);
    if (book === undefined) unavailable.push({ bookId: line.bookId, why: "unknown" });
    else if (book.discontinued) unavailable.push({ bookId: line.bookId, why: "discontinued" });
    else priced.push({ book, quantity: line.quantity });
  }
  if (unavailable.length > 0) return left(errors.booksUnavailable(unavailable));

  const currency = priced[0]!.book.currency;
  const foreign = priced.find((p) => p.book.currency !== currency);
  if (foreign) return left(errors.currencyMismatch(currency, foreign.book.currency));

  // The cart kept its totals within the limits at the prices it was filled at; checkout charges
  // today's, which may have risen since.
  let totalCents = 0;
  for (const { book, quantity } of priced) {
    const lineTotal = book.priceCents * quantity;
    if (lineTotal > MAX_LINE_TOTAL_CENTS) return left(errors.totalTooLarge("line", lineTotal, MAX_LINE_TOTAL_CENTS, book.bookId));
    totalCents += lineTotal;
  }
  if (totalCents > MAX_ORDER_TOTAL_CENTS) return left(errors.totalTooLarge("order", totalCents, MAX_ORDER_TOTAL_CENTS));

  const short: ShortLine[] = [];
  const reservation: InventoryEvent[] = [];
  for (const { book, quantity } of priced) {
    const stock = input.inventories.get(book.bookId) ?? inventoryDecider.initialState;
    const reserved = inventoryDecider.decide({ type: "ReserveStock", bookId: book.bookId, orderId, quantity }, stock);
    if (isLeft(reserved)) {
      if (reserved.left.kind !== "InsufficientStock") return reserved;
      short.push(...reserved.left.lines);
    } else reservation.push(...reserved.right);
  }
  if (short.length > 0) return left(errors.insufficientStock(short));

  const placed = orderDecider.decide(
    {
      type: "PlaceOrder",
      orderId,
      customerId: input.customerId,
      lines: priced.map(({ book, quantity }) => ({ bookId: book.bookId, title: book.title, quantity, unitPriceCents: book.priceCents })),
      currency,
      placedAt: input.now.toISOString(),
      shippingAddress: shippingAddress.right,
    },
    orderDecider.initialState,
  );
  if (isLeft(placed)) return placed;
  return right({
    order: placed.right,
    reservation,
    cart: [event("CartCheckedOut", { customerId: input.customerId, orderId })],
  });
};
