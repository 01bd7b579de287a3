import { availableParallelism } from "node:os";

/**
 * How many test files against the servers run at once. They mostly wait on the servers, so
 * more than the cores pay; past about two a core, the servers' own CPU is what they wait for.
 * `TEST_WORKERS` overrides it.
 */
export const serverWorkers = Number(process.env.TEST_WORKERS ?? Math.min(4, Math.max(2, availableParallelism() * 2)));
