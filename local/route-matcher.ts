import type { AnyRoute } from "../handlers/http/route.js";

export type RouteMatch =
  | { readonly kind: "found"; readonly route: AnyRoute; readonly pathParameters: Record<string, string> }
  | { readonly kind: "wrong-method"; readonly allowed: readonly string[] }
  | { readonly kind: "none" };

interface Compiled {
  readonly route: AnyRoute;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly literals: number;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const compile = (route: AnyRoute): Compiled => {
  const names: string[] = [];
  const segments = route.path.split("/").map((segment) => {
    const param = /^\{([^}+]+)\}$/.exec(segment);
    if (param?.[1] === undefined) return escape(segment);
    names.push(param[1]);
    return "([^/]+)";
  });
  return { route, pattern: new RegExp(`^${segments.join("/")}$`), names, literals: route.path.split("/").length - names.length };
};

const decode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** Matches like API Gateway: the most specific route wins (literal segments before `{params}`). */
export const routeMatcher = (routes: readonly AnyRoute[]) => {
  const compiled = routes.map(compile).sort((a, b) => b.literals - a.literals);
  return (method: string, rawPath: string): RouteMatch => {
    const onPath = compiled.flatMap((c) => {
      const m = c.pattern.exec(rawPath);
      return m ? [{ c, m }] : [];
    });
    const hit = onPath.find(({ c }) => c.route.method === method);
    if (hit === undefined) {
      if (onPath.length === 0) return { kind: "none" };
      // `Allow` speaks for the resource the path names, as the OpenAPI document does: a concrete
      // path (`/books/suggest`) is its own resource, not one of the `/books/{bookId}` it also fits.
      const named = onPath[0]?.c.route.path;
      return { kind: "wrong-method", allowed: [...new Set(onPath.filter(({ c }) => c.route.path === named).map(({ c }) => c.route.method))] };
    }
    const pathParameters = Object.fromEntries(hit.c.names.map((n, i) => [n, decode(hit.m[i + 1] ?? "")]));
    return { kind: "found", route: hit.c.route, pathParameters };
  };
};
