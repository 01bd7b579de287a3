import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { isLeft } from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { PathReporter } from "io-ts/lib/PathReporter.js";
import type { ViewsPort } from "../projections/index.js";

/** How far one replay got: everything up to and including `lastEventId` is applied. */
const ReplayCheckpoint = t.intersection([
  t.type({
    projection: t.string,
    replayId: t.string,
    scanned: t.number,
    applied: t.number,
    undecodable: t.number,
    done: t.boolean,
    updatedAt: t.string,
  }),
  t.partial({ lastEventId: t.string }),
]);
export type ReplayCheckpoint = t.TypeOf<typeof ReplayCheckpoint>;

const key = (projection: string, replayId: string) => ({ pk: `replay#${projection}`, sk: replayId });

export const replayCheckpoints = ({ client, tableName }: ViewsPort) => ({
  get: async (projection: string, replayId: string): Promise<ReplayCheckpoint | undefined> => {
    const item = (await client.send(new GetCommand({ TableName: tableName, Key: key(projection, replayId), ConsistentRead: true }))).Item;
    if (item === undefined) return undefined;
    const { pk: _pk, sk: _sk, ...stored } = item;
    const decoded = ReplayCheckpoint.decode(stored);
    // A checkpoint that does not decode cannot say what was applied: resuming from a guess could skip events.
    if (isLeft(decoded)) throw new Error(`the checkpoint of replay ${replayId} of ${projection} does not decode: ${PathReporter.report(decoded).join("; ")}`);
    return decoded.right;
  },
  put: async (checkpoint: ReplayCheckpoint): Promise<void> => {
    await client.send(new PutCommand({ TableName: tableName, Item: { ...key(checkpoint.projection, checkpoint.replayId), ...checkpoint } }));
  },
});
