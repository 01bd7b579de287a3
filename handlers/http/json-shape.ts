/**
 * What `JSON.parse` accepts but this API refuses, found in one pass over text that already parsed:
 * nesting deeper than any request has a use for (a value thousands of levels deep overflows the
 * stack of whatever walks it next: the codecs, an error message, a log line), and a key repeated
 * in one object (parsers disagree on which copy wins, so a proxy and this API could read two
 * different requests out of one body).
 */
export type JsonShapeIssue =
  | { readonly kind: "too-deep"; readonly maxDepth: number }
  | { readonly kind: "duplicate-key"; readonly key: string };

interface Level {
  readonly keys: Set<string> | undefined;
  expectingKey: boolean;
}

/** The end of the string literal that opens at `start` (a `"`), as an index past its closing quote. */
const stringEnd = (text: string, start: number): number => {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x5c /* \ */) i += 2;
    else if (c === 0x22 /* " */) return i + 1;
    else i++;
  }
  return i;
};

/** Iterative, so its own stack does not depend on the depth it is there to bound. */
export const jsonShapeIssue = (text: string, maxDepth: number): JsonShapeIssue | undefined => {
  const levels: Level[] = [];
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      const top = levels[levels.length - 1];
      if (top?.keys !== undefined && top.expectingKey) {
        // Decoded, so `"a"` and `"\u0061"` are the same key, as they are to every parser.
        const key = JSON.parse(text.slice(i, end)) as string;
        if (top.keys.has(key)) return { kind: "duplicate-key", key };
        top.keys.add(key);
        top.expectingKey = false;
      }
      i = end;
      continue;
    }
    if (c === "{" || c === "[") {
      if (levels.length >= maxDepth) return { kind: "too-deep", maxDepth };
      levels.push({ keys: c === "{" ? new Set() : undefined, expectingKey: c === "{" });
    } else if (c === "}" || c === "]") {
      levels.pop();
    } else if (c === ",") {
      const top = levels[levels.length - 1];
      if (top?.keys !== undefined) top.expectingKey = true;
    }
    i++;
  }
  return undefined;
};
