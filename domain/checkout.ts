import * as t from "io-ts";
import { isLeft, left, right, type Either } from "fp-ts/lib/Either.js";
import { event, Id, type ShippingAddress } from "../events/index.js";
import type { Book } from "./book.js";
import { type CartEvent, type CartState, MAX_LINE_TOTAL_CENTS, MAX_TOTAL_CENTS } from "./cart.js";
import { errors, type DomainError, type ShortLine, type UnavailableBook } from "./errors.js";
import { inventoryDecider, type InventoryEvent, type InventoryState } from "./inventory.js";
import { orderDecider, ShippingAddressInput, type OrderEvent } from "./order.js";
import { strict } from "./strict.js";
import { shippingAddressOf } from "./address.js";
import { type CustomerState, defaultAddressOf } from "./customer.js";

/** The most one order may total: what one payment may charge (see `MAX_TOTAL_CENTS`). */
export const MAX_ORDER_TOTAL_CENTS = MAX_TOTAL_CENTS;

/** The customer and the new order's id come from the handler (JWT `sub`, id generator), never the body. */
export const Checkout = strict(
  { type: t.literal("Checkout"), customerId: Id, orderId: Id },
  { paymentToken: t.string, shippingAddress: ShippingAddressInput, addressId: Id },
);
export type Checkout = t.TypeOf<typeof Checkout>;

export { shippingAddressOf };

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
  /** Where to ship, as the request spelt it out; else `addressId`, else the customer's default; none is refused. */
  readonly shippingAddress: ShippingAddressInput | null;
  /** An address of the customer's own book, instead of `shippingAddress`. */
  readonly addressId?: string;
  /** The customer's stream as it stands (`null`: no stream, so no address book and no default). */
  readonly customer?: CustomerState;
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
 * Where the order goes: the address sent, or the one of the book `addressId` names (unknown:
 * `AddressNotOnFile`, 422 naming `addressId`), or the default; both at once are refused. The
 * address is copied into the order, so a later change of the book does not move it.
 */
const destinationOf = (input: CheckoutInput): Either<DomainError, ShippingAddress> => {
  if (input.shippingAddress !== null && input.addressId !== undefined) return left(errors.addressChoiceAmbiguous());
  if (input.shippingAddress !== null) return shippingAddressOf(input.shippingAddress);
  const { addressId } = input;
  const saved = addressId === undefined ? defaultAddressOf(input.customer ?? null) : input.customer?.addresses.find((a) => a.addressId === addressId);
  if (saved !== undefined) return right(saved.address);
  return left(addressId === undefined ? errors.shippingAddressRequired() : errors.addressNotOnFile(addressId));
};

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
  const shippingAddress = destinationOf(input);
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
