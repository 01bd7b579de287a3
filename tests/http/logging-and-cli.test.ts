import { execFile } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Logger } from "@aws-lambda-powertools/logger";
import { subFor } from "../../local/tokens.js";
import { bearer, type Json, startTestApi, type TestApi } from "./api-server.js";
import { fixtureRoutes } from "./fixture-routes.js";

let api: TestApi;
beforeAll(async () => {
  // Whatever level the environment asks for, these tests read the lines.
  api = await startTestApi(fixtureRoutes, { logger: new Logger({ serviceName: "bookstore-api", logLevel: "INFO" }) });
});
afterAll(() => api.close());

/** The JSON lines the process writes (stdout and stderr) while `during` runs. */
const captureLogs = async (during: () => Promise<unknown>): Promise<Json[]> => {
  const lines: string[] = [];
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((s) => s.write.bind(s));
  streams.forEach((stream, i) => {
    stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      lines.push(String(chunk));
      return writes[i]!(chunk, ...rest);
    }) as typeof stream.write;
  });
  try {
    await during();
  } finally {
    streams.forEach((stream, i) => (stream.write = writes[i]!));
  }
  return lines.flatMap((l) => l.split("\n")).filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Json);
};

describe("one structured log line per request", () => {
  it("carries the correlation id, route, status and no token", async () => {
    const token = await api.token({ user: "alice" });
    const logs = await captureLogs(() => fetch(`${api.url}/whoami`, { headers: { ...bearer(token), "x-correlation-id": "log-line-1" } }));
    const lines = logs.filter((l) => l.correlationId === "log-line-1");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "INFO", message: "request", operationId: "whoAmI", method: "GET", path: "/whoami", status: 200 });
    expect(JSON.stringify(logs)).not.toContain(token);
  });

  it("a fault logs its stack under the correlation id the client was given", async () => {
    let answered: Json;
    const logs = await captureLogs(async () => {
      answered = await (await fetch(`${api.url}/boom`)).json();
    });
    const mine = logs.filter((l) => l.correlationId === answered.correlationId);
    expect(mine.map((l) => l.level).sort()).toEqual(["ERROR", "INFO"]);
    expect(JSON.stringify(mine)).toContain("hunter2");
  });
});

describe("npm run token", () => {
  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        "npx",
        ["tsx", "local/mint-token.ts", ...args],
        { env: { ...process.env, LOCAL_AUTH_KEY_DIR: api.config.keyDir }, cwd: path.resolve(import.meta.dirname, "../..") },
        (e, stdout, stderr) => resolve({ code: e ? Number(e.code ?? 1) : 0, stdout, stderr }),
      ),
    );

  it("prints a token the API accepts, admin when asked", async () => {
    const { code, stdout } = await run(["--user", "carol", "--admin"]);
    expect(code).toBe(0);
    const res = await fetch(`${api.url}/whoami`, { headers: bearer(stdout.trim()) });
    const body = (await res.json()) as Json;
    expect(res.status).toBe(200);
    expect(body.claims).toMatchObject({ sub: subFor("carol"), groups: ["admin"] });
  });

  it("without --user prints the usage and fails", async () => {
    const { code, stderr } = await run([]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/usage: npm run token -- --user/);
  });
});
