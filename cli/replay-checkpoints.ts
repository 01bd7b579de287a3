import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { ViewsPort } from "../projections/index.js";

/** How far one replay got: everything up to and including `lastEventId` is applied. */
export interface ReplayCheckpoint {
  readonly projection: string;
  readonly replayId: string;
  readonly lastEventId?: string;
  readonly scanned: number;
  readonly applied: number;
  readonly undecodable: number;
  readonly done: boolean;
  readonly updatedAt: string;
}

const key = (projection: string, replayId: string) => ({ pk: `replay#${projection}`, sk: replayId });

export const replayCheckpoints = ({ client, tableName }: ViewsPort) => ({
  get: async (projection: string, replayId: string): Promise<ReplayCheckpoint | undefined> => {
    const item = (await client.send(new GetCommand({ TableName: tableName, Key: key(projection, replayId), ConsistentRead: true }))).Item;
    if (item === undefined) return undefined;
    const { pk: _pk, sk: _sk, ...checkpoint } = item;
    return checkpoint as ReplayCheckpoint;
  },
  put: async (checkpoint: ReplayCheckpoint): Promise<void> => {
    await client.send(new PutCommand({ TableName: tableName, Item: { ...key(checkpoint.projection, checkpoint.replayId), ...checkpoint } }));
  },
});
