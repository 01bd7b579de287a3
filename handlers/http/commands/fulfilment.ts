import { streams } from "../../../events/index.js";
import { BookIdPath, CommandAccepted, NoQuery } from "../codecs/common.js";
import { AdjustStockBody } from "../codecs/inventory.js";
import { FulfilmentEventsBody, FulfilmentResults, OrderIdPath, ShipmentBody, ShipmentCreated, ShipmentPath } from "../codecs/orders.js";
import { NoPath } from "../codecs/common.js";
import { validationProblem } from "../problem.js";
import { created, ok } from "../result.js";
import { type AnyRoute, defineRoute } from "../route.js";
import type { Runtime } from "../runtime.js";
import type { Command } from "../../commands/slices.js";
import { createdIdFor, send, sendForVersion, versionOf } from "./send.js";
import type * as t from "io-ts";

export const createShipmentRoute = (runtime: () => Runtime): AnyRoute =>
  defineRoute({
    operationId: "createShipment",
    method: "POST",
    path: "/orders/{orderId}/shipments",
    auth: "warehouse",
    summary: "Record a parcel leaving the warehouse for a paid order",
    description: [
      "`lines` default to every copy not yet shipped. The order is `partially-shipped` until every copy has left, then `shipped`.",
      "More copies than remain to ship, or an order not paid (or cancelled), is `409`.",
    ].join("\n\n"),
    tags: ["fulfilment"],
    request: { path: OrderIdPath, query: NoQuery, body: ShipmentBody },
    response: { status: 201, codec: ShipmentCreated },
    problems: [409, 422],
    handler: async (input) => {
      const { orderId } = input.path;
      const shipmentId = createdIdFor("sh", runtime(), input);
      const { carrier, trackingNumber, lines } = input.body;
      const at = runtime().deps.clock().toISOString();
      const command = { type: "ShipOrder" as const, orderId, shipmentId, carrier, trackingNumber, at, ...(lines === undefined ? {} : { lines }) };
      const sent = await send(runtime(), "createShipment", input, command);
      if (!sent.ok) return sent.failure;
      return created({ shipmentId, version: versionOf(sent.outcome, streams.order(orderId)) });
    },
  });

export const deliverShipmentRoute = (runtime: () => Runtime): AnyRoute =>
  defineRoute({
    operationId: "deliverShipment",
    method: "POST",
    path: "/orders/{orderId}/shipments/{shipmentId}/delivered",
    auth: "warehouse",
    summary: "Record a shipment as delivered",
    description: "The order is `delivered` once it has `shipped` and every shipment has arrived. Saying so again changes nothing.",
    tags: ["fulfilment"],
    request: { path: ShipmentPath, query: NoQuery },
    response: { status: 200, codec: CommandAccepted },
    problems: [409, 422],
    handler: async (input) => {
      const { orderId, shipmentId } = input.path;
      const at = runtime().deps.clock().toISOString();
      return sendForVersion(runtime(), "deliverShipment", input, { type: "DeliverShipment", orderId, shipmentId, at }, streams.order(orderId));
    },
  });

type FulfilmentEvent = Extract<t.TypeOf<typeof FulfilmentEventsBody>, readonly unknown[]>[number];

/** What one report from the order management system asks of the order, or the fields it lacks. */
const commandOf = (report: FulfilmentEvent): Command | { readonly missing: readonly string[] } => {
  // Kept as the API writes times, whatever offset the report used.
  const e = { ...report, at: new Date(report.at).toISOString() };
  const shipment = e.shipmentId === undefined ? {} : { shipmentId: e.shipmentId };
  switch (e.type) {
    case "shipped": {
      const missing = (["carrier", "trackingNumber"] as const).filter((f) => e[f] === undefined);
      if (missing.length > 0 || e.carrier === undefined || e.trackingNumber === undefined) return { missing };
      // A report without a shipment id is a shipment of its own, named after the report.
      const lines = e.lines === undefined ? {} : { lines: e.lines };
      return { type: "ShipOrder", orderId: e.orderId, shipmentId: e.shipmentId ?? e.eventId, carrier: e.carrier, trackingNumber: e.trackingNumber, at: e.at, ...lines };
    }
    case "delivered":
      return { type: "DeliverShipment", orderId: e.orderId, at: e.at, ...shipment };
    case "exception":
      return e.note === undefined ? { missing: ["note"] } : { type: "RecordShipmentException", orderId: e.orderId, note: e.note, at: e.at, ...shipment };
  }
};

type Outcome = t.TypeOf<typeof FulfilmentResults>["results"][number];

/**
 * Takes status reports from the order management system. Each report's `eventId` is its command
 * id, so a batch sent again appends nothing; a report that cannot apply (an unknown order, a
 * delivery before its shipment) is rejected on its own while the rest apply. Reports about one
 * order apply in the order they are listed; different orders' apply side by side.
 */
export const fulfilmentEventsRoute = (runtime: () => Runtime): AnyRoute =>
  defineRoute({
    operationId: "reportFulfilmentEvents",
    method: "POST",
    path: "/fulfilment/events",
    auth: "oms",
    summary: "Report shipments, deliveries and exceptions from the warehouse (up to 100 at once)",
    description: [
      "The body is `{\"events\": [...]}` or the bare array. Each item answers `applied`, `duplicate` (its `eventId` was applied before) or `rejected` with a `problem` (RFC 9457), in the order sent.",
      "`shipped` needs `carrier` and `trackingNumber` (`lines` default to everything not yet shipped; `shipmentId` to the `eventId`); `delivered` without `shipmentId` delivers every shipment on its way; `exception` needs a `note`.",
    ].join("\n\n"),
    tags: ["fulfilment"],
    request: { path: NoPath, query: NoQuery, body: FulfilmentEventsBody },
    response: { status: 200, codec: FulfilmentResults },
    problems: [422],
    handler: async (input) => {
      const items = Array.isArray(input.body) ? input.body : input.body.events;
      const rt = runtime();
      const apply = async (e: FulfilmentEvent, index: number): Promise<Outcome> => {
        const command = commandOf(e);
        if ("missing" in command) {
          const problem = validationProblem(command.missing.map((f) => ({ in: "body", pointer: `#/events/${index}/${f}`, detail: `a ${e.type} report needs ${f}` }))).problem;
          return { eventId: e.eventId, status: "rejected", problem };
        }
        // Each report runs as a command of its own, its `eventId` standing for an Idempotency-Key.
        const report = { ...input, idempotencyKey: `fulfilment:${e.eventId}`, body: e };
        const sent = await send(rt, "reportFulfilmentEvent", report, command);
        if (!sent.ok) return { eventId: e.eventId, status: "rejected", problem: sent.failure.problem };
        return { eventId: e.eventId, status: sent.outcome.duplicate ? "duplicate" : "applied" };
      };
      const byOrder = new Map<string, number[]>();
      items.forEach((e, i) => byOrder.set(e.orderId, [...(byOrder.get(e.orderId) ?? []), i]));
      const results: Outcome[] = new Array<Outcome>(items.length);
      await Promise.all(
        [...byOrder.values()].map(async (indexes) => {
          for (const i of indexes) results[i] = await apply(items[i]!, i);
        }),
      );
      return ok({ results });
    },
  });

export const adjustStockRoute = (runtime: () => Runtime): AnyRoute =>
  defineRoute({
    operationId: "adjustStock",
    method: "POST",
    path: "/inventory/{bookId}/adjustments",
    auth: "warehouse",
    summary: "Correct a book's stock count (a recount, damage, shrinkage)",
    description: "`delta` is the change in copies on hand, positive or negative, never 0. A count that would take away copies already reserved by orders is `409`.",
    tags: ["inventory"],
    request: { path: BookIdPath, query: NoQuery, body: AdjustStockBody },
    response: { status: 200, codec: CommandAccepted },
    problems: [409, 422],
    handler: async (input) => {
      const { bookId } = input.path;
      const { delta, reason } = input.body;
      return sendForVersion(runtime(), "adjustStock", input, { type: "AdjustStock", bookId, delta, reason }, streams.inventory(bookId));
    },
  });
