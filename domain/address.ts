import { left, right, type Either } from "fp-ts/lib/Either.js";
import type { ShippingAddress } from "../events/index.js";
import { errors, type DomainError } from "./errors.js";
import type { ShippingAddressInput } from "./order.js";

/**
 * An address as an order or the address book keeps it: each field trimmed, an optional one left
 * out when blank. `field` names where it came from in the request, for the error (`""`: the
 * body itself is the address).
 */
export const shippingAddressOf = (input: ShippingAddressInput, field = "shippingAddress"): Either<DomainError, ShippingAddress> => {
  const at = (k: string) => (field === "" ? k : `${field}/${k}`);
  const required = { name: input.name.trim(), line1: input.line1.trim(), city: input.city.trim(), postalCode: input.postalCode.trim() };
  for (const [k, v] of Object.entries(required)) if (v === "") return left(errors.missingField(at(k)));
  const country = input.country.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) return left(errors.invalidCountry(at("country"), input.country));
  const optional = Object.entries({ line2: input.line2, region: input.region, phone: input.phone }).flatMap(([k, v]) =>
    v === undefined || v.trim() === "" ? [] : [[k, v.trim()] as const],
  );
  return right({ ...required, country, ...Object.fromEntries(optional) });
};
