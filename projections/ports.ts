import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** The views table: read models and dead letters, never the events. */
export interface ViewsPort {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export interface ViewPorts {
  readonly views: ViewsPort;
}

/** Everything the registry's projections need together. */
export type ProjectionPorts = ViewPorts;
