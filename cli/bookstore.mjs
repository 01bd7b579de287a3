#!/usr/bin/env node
// The `bookstore` command: runs the TypeScript entry through tsx, so no build step is needed.
import { register } from "tsx/esm/api";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
register();
await import("./bookstore.ts");
