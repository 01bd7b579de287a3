import { availableParallelism } from "node:os";

/**
 * How many test files against the servers run at once: one a core, at least two. The servers'
 * own CPU (DynamoDB Local above all) is what the files wait for, so more workers than cores only
 * queue (four on two cores ran the slow files slower). `TEST_WORKERS` overrides it.
 */
export const serverWorkers = Number(process.env.TEST_WORKERS ?? Math.max(2, availableParallelism()));
