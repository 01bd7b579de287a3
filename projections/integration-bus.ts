/**
 * An integration event as other systems (shipping, mail, analytics) receive it: a public,
 * versioned contract, separate from the internal events it is made from.
 */
export interface IntegrationEvent {
  /** EventBridge `source`: `bookstore.orders` or `bookstore.inventory`. */
  readonly source: string;
  /** EventBridge `detail-type`: the event's name, stable across schema versions. */
  readonly detailType: string;
  /** When the business fact happened (the internal event's `occurredAt`). */
  readonly time: string;
  readonly detail: IntegrationDetail;
}

export interface IntegrationDetail {
  /** The shape of `data`; a breaking change publishes a new version. */
  readonly schemaVersion: number;
  /** Unique per integration event and the same on every redelivery: consumers dedupe on it. */
  readonly eventId: string;
  readonly occurredAt: string;
  /** The internal stream and version it comes from: consumers order one subject's events by it. */
  readonly streamId: string;
  readonly streamVersion: number;
  readonly correlationId: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** Where integration events go: EventBridge in AWS, an in-process recorder locally and in tests. */
export interface IntegrationBus {
  /** Publishes every event or throws; an event may have been published even when it throws. */
  publish(events: readonly IntegrationEvent[]): Promise<void>;
}

export interface IntegrationPorts {
  readonly integration: {
    readonly bus: IntegrationBus;
    /** `StockLow` is published when a book's available copies fall below this. */
    readonly stockLowThreshold: number;
  };
}

export interface RecordingBus extends IntegrationBus {
  /** Everything published, in order, duplicates included. */
  readonly published: readonly IntegrationEvent[];
  /** Calls `listener` with each event as it is published (e.g. to log it, or forward it). */
  subscribe(listener: (event: IntegrationEvent) => void): () => void;
}

/** The in-process bus: EventBridge has no local server, so locally and in tests the bus records. */
export const inProcessBus = (): RecordingBus => {
  const published: IntegrationEvent[] = [];
  const listeners = new Set<(event: IntegrationEvent) => void>();
  return {
    published,
    publish: async (events) => {
      for (const e of events) {
        published.push(e);
        for (const l of listeners) l(e);
      }
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
};
