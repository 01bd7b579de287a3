import { isLeft } from "fp-ts/lib/Either.js";
import * as t from "io-ts";

/**
 * Where the read models live, from the environment: the one reader that the HTTP runtime, the
 * Lambda projectors and the CLI all use, so one environment (the names SST sets on every
 * function) means the same read models to each. Absent servers are an error only where a read
 * model is needed.
 */
export interface ReadModelSettings {
  readonly redisUrl?: string;
  /** Put before every key, so several deployments (or test files) can share one Redis; queries and projectors alike. */
  readonly redisPrefix?: string;
  readonly openSearchUrl?: string;
  readonly openSearchAuth?: { readonly username: string; readonly password: string };
  /** The book search index (or alias) the projection writes and the queries read; default `books`. */
  readonly searchIndex: string;
}

export const DEFAULT_SEARCH_INDEX = "books";

const Setting = t.union([t.string, t.undefined]);
/** The variables, decoded at the edge: each a string when set. */
const ReadModelEnv = t.type({
  REDIS_URL: Setting,
  REDIS_PREFIX: Setting,
  OPENSEARCH_URL: Setting,
  OPENSEARCH_USERNAME: Setting,
  OPENSEARCH_PASSWORD: Setting,
  OPENSEARCH_INDEX: Setting,
});

/** An empty variable counts as unset, as a shell's `VAR=` means. */
const set = (value: string | undefined): string | undefined => (value === undefined || value === "" ? undefined : value);

export const readModelSettingsFromEnv = (env: NodeJS.ProcessEnv = process.env): ReadModelSettings => {
  const decoded = ReadModelEnv.decode(env);
  if (isLeft(decoded)) throw new Error("the read models' environment variables must be strings");
  const e = decoded.right;
  const [username, password] = [set(e.OPENSEARCH_USERNAME), set(e.OPENSEARCH_PASSWORD)];
  if ((username === undefined) !== (password === undefined)) throw new Error("OPENSEARCH_USERNAME and OPENSEARCH_PASSWORD go together: set both or neither");
  const redisUrl = set(e.REDIS_URL);
  const redisPrefix = set(e.REDIS_PREFIX);
  const openSearchUrl = set(e.OPENSEARCH_URL);
  return {
    ...(redisUrl === undefined ? {} : { redisUrl }),
    ...(redisPrefix === undefined ? {} : { redisPrefix }),
    ...(openSearchUrl === undefined ? {} : { openSearchUrl }),
    ...(username === undefined || password === undefined ? {} : { openSearchAuth: { username, password } }),
    searchIndex: set(e.OPENSEARCH_INDEX) ?? DEFAULT_SEARCH_INDEX,
  };
};
