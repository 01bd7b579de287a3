import type { Problem } from "./problem.js";

type Headers = Readonly<Record<string, string>>;

export interface Success<A> {
  readonly status: 200 | 201 | 202;
  readonly body: A;
  readonly headers?: Headers;
}
export interface NoContent {
  readonly status: 204;
  readonly headers?: Headers;
}
export interface Failure {
  readonly status: number;
  readonly problem: Problem;
  readonly headers?: Headers;
}

/** What a route handler answers; the Lambda wrapper encodes it with the route's response codec. */
export type HttpResult<A> = Success<A> | NoContent | Failure;

export const ok = <A>(body: A, headers?: Headers): Success<A> => ({ status: 200, body, ...(headers ? { headers } : {}) });
export const created = <A>(body: A, headers?: Headers): Success<A> => ({ status: 201, body, ...(headers ? { headers } : {}) });
export const noContent = (): NoContent => ({ status: 204 });
export const isFailure = <A>(r: HttpResult<A>): r is Failure => "problem" in r;
