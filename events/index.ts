export * from "./envelope.js";
export * from "./upcast.js";
export * from "./catalogue.js";
