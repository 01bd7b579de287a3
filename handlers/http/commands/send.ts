import { createHash } from "node:crypto";
import { isLeft } from "fp-ts/lib/Either.js";
import type { Command } from "../../commands/slices.js";
import type { CommandMeta } from "../../commands/deps.js";
import type { CommandResult } from "../../commands/handle.js";
import type { CommandOutcome } from "../../commands/run-command.js";
import { problemForError } from "../problem.js";
import { type Failure, ok, type Success } from "../result.js";
import { callerOf, type Claims, type RouteInput } from "../route.js";
import type { Runtime } from "../runtime.js";

/** Who the caller is to the domain: customers act as themselves, admins under their own id. */
export const actorOf = (claims: Claims): string => `${claims.groups.includes("admin") ? "admin" : "customer"}:${claims.sub}`;

/**
 * The record id of an Idempotency-Key. A key is the caller's own, so it is scoped to the caller's
 * `sub`; joined as `<sub>:<key>`, the pair (`V:x`, `1`) would meet the pair (`V`, `x:1`), and the
 * 422 would tell one caller of another's request. A hash of the pair as a JSON array tells every
 * pair apart whatever either part holds; the `sub` in front keeps a caller's records findable.
 */
export const commandIdOf = (sub: string, idempotencyKey: string): string =>
  `${sub}:${createHash("sha256").update(JSON.stringify([sub, idempotencyKey])).digest("base64url")}`;

/**
 * The id of something a request creates (a shipment, an address). With an Idempotency-Key it
 * follows from the key, so a retry names the same thing (and its decider answers it as already
 * recorded); without one, fresh.
 */
export const createdIdFor = (prefix: string, runtime: Pick<Runtime, "newId">, input: RouteInput<unknown, unknown, unknown>): string =>
  input.idempotencyKey === undefined
    ? runtime.newId()
    : `${prefix}-${createHash("sha256").update(commandIdOf(callerOf(input).sub, input.idempotencyKey)).digest("base64url").slice(0, 26)}`;

/**
 * The command id and request fingerprint. The fingerprint covers the operation and the decoded
 * input, so the same key with another request is told apart (422).
 */
export const metaOf = (operation: string, input: RouteInput<unknown, unknown, unknown>): CommandMeta => {
  const claims = callerOf(input);
  const base = { actor: actorOf(claims), correlationId: input.correlationId };
  if (input.idempotencyKey === undefined) return base;
  const requestHash = createHash("sha256")
    .update(JSON.stringify([operation, claims.sub, input.path, input.query, input.body ?? null]))
    .digest("base64url");
  return { ...base, commandId: commandIdOf(claims.sub, input.idempotencyKey), requestHash };
};

export type Sent<R> = { readonly ok: true; readonly outcome: CommandOutcome<R> } | { readonly ok: false; readonly failure: Failure };

/**
 * Runs a command for a route. Refusals become problems through the one mapping; a stored
 * item that no longer decodes is a fault, thrown so the error handler logs it and answers 500.
 */
export const send = async <R extends CommandResult>(
  runtime: Runtime,
  operation: string,
  input: RouteInput<unknown, unknown, unknown>,
  command: Command,
  precondition: Pick<CommandMeta, "expectedVersions"> = {},
): Promise<Sent<R>> => {
  const outcome = await runtime.commands.handle(command, { ...metaOf(operation, input), ...precondition });
  if (isLeft(outcome)) {
    if (outcome.left.kind === "StoredItemDecodeError") {
      throw new Error(`stored item ${outcome.left.pk}/${String(outcome.left.sk)} does not decode: ${outcome.left.reason}`);
    }
    return { ok: false, failure: problemForError(outcome.left) };
  }
  return { ok: true, outcome: outcome.right as CommandOutcome<R> };
};

/** The version a command left its stream at, for read-your-writes on the query side. */
export const versionOf = (outcome: CommandOutcome<unknown>, streamId: string): number => {
  const version = outcome.versions[streamId];
  if (version === undefined) throw new Error(`the command wrote no version of ${streamId}`);
  return version;
};

/** Runs a command that writes one stream and answers the version it left that stream at. */
export const sendForVersion = async (
  runtime: Runtime,
  operation: string,
  input: RouteInput<unknown, unknown, unknown>,
  command: Command,
  streamId: string,
  options: { readonly etag?: boolean } = {},
): Promise<Success<{ version: number }> | Failure> => {
  // A conditional request's `If-Match` is the version the stream must still be at.
  const sent = await send(runtime, operation, input, command, input.ifMatchVersion === undefined ? {} : { expectedVersions: { [streamId]: input.ifMatchVersion } });
  if (!sent.ok) return sent.failure;
  const version = versionOf(sent.outcome, streamId);
  // On a conditional route, the new version is the validator the next write takes (`If-Match`).
  return ok({ version }, options.etag === true ? { etag: `"${version}"` } : undefined);
};
