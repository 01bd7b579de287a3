import { writeFile } from "node:fs/promises";
import { openApiDocument } from "../handlers/http/openapi.js";
import { routes } from "../handlers/http/routes.js";

/** `npm run openapi`: the document the API serves at /openapi.json, written to a file. */
const out = process.argv[2] ?? "openapi.json";
await writeFile(out, `${JSON.stringify(openApiDocument(routes), null, 2)}\n`);
console.log(`wrote ${out}`);
