/** A shipping address every test order may go to: checkout refuses an order without one. */
export const SHIP_TO = {
  name: "Ada Lovelace",
  line1: "12 St James's Square",
  city: "London",
  postalCode: "SW1Y 4JH",
  country: "GB",
} as const;
