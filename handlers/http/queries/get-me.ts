import { getCustomerProfile } from "../../../projections/customer-profile.js";
import { MinVersionQuery, NoPath } from "../codecs/common.js";
import { CustomerProfileView } from "../codecs/customers.js";
import { ok } from "../result.js";
import { type AnyRoute, callerOf, defineRoute } from "../route.js";
import type { QueryRuntime } from "../runtime.js";
import { readAtLeast, staleHeaders, staleResponseHeaders } from "./read-your-writes.js";

/** An email claim as long as an address may be; anything longer is not shown. */
const MAX_EMAIL = 320;

export const getMeRoute = (runtime: () => QueryRuntime): AnyRoute =>
  defineRoute({
    operationId: "getMe",
    method: "GET",
    path: "/me",
    auth: "customer",
    summary: "The caller's profile, address book and consents (minVersion: the version a /me command answered)",
    description:
      "Served from the `customer-profile` read model. A customer who never sent a `/me` command answers `200` with an empty profile: `customerId`, no addresses, no consents, `version` 0. `email` is the token's `email` claim, when it has one.",
    tags: ["customers"],
    request: { path: NoPath, query: MinVersionQuery },
    response: { status: 200, codec: CustomerProfileView, headers: staleResponseHeaders },
    handler: async (input) => {
      const caller = callerOf(input);
      const { views } = runtime().readModels;
      const { value: profile, stale } = await readAtLeast(() => getCustomerProfile(views, caller.sub), (p) => p.version, input.query.minVersion);
      const email = caller.raw.email;
      const { customerId, name, phone, addresses, defaultAddressId, consents, version } = profile;
      return ok(
        {
          customerId,
          ...(name === undefined ? {} : { name }),
          ...(email === undefined || email === "" || email.length > MAX_EMAIL ? {} : { email }),
          ...(phone === undefined ? {} : { phone }),
          addresses: [...addresses],
          ...(defaultAddressId === undefined ? {} : { defaultAddressId }),
          consents,
          version,
        },
        staleHeaders(stale),
      );
    },
  });
