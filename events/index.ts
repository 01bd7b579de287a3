export * from "./envelope.js";
export * from "./upcast.js";
export * from "./catalogue.js";
export * from "./scalars.js";
export * from "./streams.js";
export { OrderLine, ShippingAddress, ShipmentLine, orderStreamEventTypes } from "./order-events.js";
export { availableIn, stockMovement, stockEventTypes, type StockMovement } from "./inventory-events.js";
