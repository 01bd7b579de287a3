import { streams } from "../../../events/index.js";
import { AddressChangeBody, NewAddressBody } from "../codecs/addresses.js";
import { CommandAccepted, NoPath, NoQuery } from "../codecs/common.js";
import { AddressCreated, AddressIdPath, ConsentBody, ConsentPurposePath, DefaultAddressBody, ProfileChangeBody } from "../codecs/customers.js";
import { created } from "../result.js";
import { type AnyRoute, callerOf, defineRoute, type RouteInput } from "../route.js";
import type { Runtime } from "../runtime.js";
import { createdIdFor, send, sendForVersion, versionOf } from "./send.js";

const tags = ["customers"];

/** Every route here is the caller's own: the customer is the token's `sub`, never anything the client sends. */
const own = (runtime: Runtime, input: RouteInput<unknown, unknown, unknown>) => {
  const customerId = callerOf(input).sub;
  return { customerId, at: runtime.deps.clock().toISOString(), stream: streams.customer(customerId) };
};

const notYours = "An address id the caller's book does not hold (another customer's included) is `404`.";

export const customerCommandRoutes = (runtime: () => Runtime): AnyRoute[] => [
  defineRoute({
    operationId: "changeMyProfile",
    method: "PATCH",
    path: "/me",
    auth: "customer",
    summary: "Change the caller's name or phone number",
    description: "Only the fields sent change. The first change of any kind registers the customer.",
    tags,
    request: { path: NoPath, query: NoQuery, body: ProfileChangeBody },
    response: { status: 200, codec: CommandAccepted },
    handler: async (input) => {
      const { stream, ...me } = own(runtime(), input);
      return sendForVersion(runtime(), "changeMyProfile", input, { type: "ChangeCustomerProfile", ...me, ...input.body }, stream);
    },
  }),
  defineRoute({
    operationId: "addMyAddress",
    method: "POST",
    path: "/me/addresses",
    auth: "customer",
    summary: "Add an address to the caller's address book (20 at most)",
    description:
      "Answers the new address's id. With an `Idempotency-Key` the id follows from the key, so a retry names the same address. A 21st address is `409`.",
    tags,
    request: { path: NoPath, query: NoQuery, body: NewAddressBody },
    response: { status: 201, codec: AddressCreated },
    problems: [409],
    handler: async (input) => {
      const { stream, ...me } = own(runtime(), input);
      const addressId = createdIdFor("ad", runtime(), input);
      const sent = await send(runtime(), "addMyAddress", input, { type: "AddAddress", ...me, addressId, ...input.body });
      if (!sent.ok) return sent.failure;
      return created({ addressId, version: versionOf(sent.outcome, stream) });
    },
  }),
  defineRoute({
    operationId: "changeMyAddress",
    method: "PATCH",
    path: "/me/addresses/{addressId}",
    auth: "customer",
    summary: "Change an address of the caller's address book, in part",
    description: `The fields sent replace the address's; a blank \`label\`, \`line2\`, \`region\` or \`phone\` removes it. Orders already placed keep the address they were placed with. ${notYours}`,
    tags,
    request: { path: AddressIdPath, query: NoQuery, body: AddressChangeBody },
    response: { status: 200, codec: CommandAccepted },
    problems: [404],
    handler: async (input) => {
      const { stream, ...me } = own(runtime(), input);
      return sendForVersion(runtime(), "changeMyAddress", input, { type: "ChangeAddress", ...me, addressId: input.path.addressId, ...input.body }, stream);
    },
  }),
  defineRoute({
    operationId: "removeMyAddress",
    method: "DELETE",
    path: "/me/addresses/{addressId}",
    auth: "customer",
    summary: "Remove an address from the caller's address book",
    description: `Removing the default address leaves the caller without a default. ${notYours}`,
    tags,
    request: { path: AddressIdPath, query: NoQuery },
    response: { status: 200, codec: CommandAccepted },
    problems: [404],
    handler: async (input) => {
      const { stream, ...me } = own(runtime(), input);
      return sendForVersion(runtime(), "removeMyAddress", input, { type: "RemoveAddress", ...me, addressId: input.path.addressId }, stream);
    },
  }),
  defineRoute({
    operationId: "chooseMyDefaultAddress",
    method: "PUT",
    path: "/me/default-address",
    auth: "customer",
    summary: "Choose the address a checkout without one ships to",
    description: notYours,
    tags,
    request: { path: NoPath, query: NoQuery, body: DefaultAddressBody },
    response: { status: 200, codec: CommandAccepted },
    problems: [404],
    handler: async (input) => {
      const { stream, ...me } = own(runtime(), input);
      return sendForVersion(runtime(), "chooseMyDefaultAddress", input, { type: "ChooseDefaultAddress", ...me, addressId: input.body.addressId }, stream);
    },
  }),
  defineRoute({
    operationId: "setMyConsent",
    method: "PUT",
    path: "/me/consents/{purpose}",
    auth: "customer",
    summary: "Give or withdraw the caller's consent to one purpose",
    description: "Purposes: `marketing-email`, `marketing-sms`, `personalisation`; any other is `400`. Saying again what holds changes nothing.",
    tags,
    request: { path: ConsentPurposePath, query: NoQuery, body: ConsentBody },
    response: { status: 200, codec: CommandAccepted },
    handler: async (input) => {
      const { stream, ...me } = own(runtime(), input);
      const command = { type: "SetConsent" as const, ...me, purpose: input.path.purpose, granted: input.body.granted, source: "self-service" };
      return sendForVersion(runtime(), "setMyConsent", input, command, stream);
    },
  }),
];
