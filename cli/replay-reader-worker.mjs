// A worker thread starts without the parent's loaders: it registers tsx itself, as the
// `bookstore` command does, so the reader runs from its TypeScript source however the replay
// was started (tsx, the `bookstore` command, or a test runner).
import { register } from "tsx/esm/api";

register();
await import("./replay-reader-worker.ts");
