import type { AttributeValue } from "@aws-sdk/client-dynamodb";

/** DynamoDB refuses an item above 400 KB, counting attribute names and values. */
export const MAX_ITEM_BYTES = 400 * 1024;

const utf8 = (s: string): number => Buffer.byteLength(s, "utf8");

/** About one byte per two significant digits, plus one, as DynamoDB sizes numbers. */
const numberSize = (n: string): number => {
  const mantissa = n.replace(/^[-+]/, "").replace(/[eE].*$/, "").replace(".", "");
  const significant = mantissa.replace(/^0+/, "").replace(/0+$/, "");
  return Math.ceil(Math.max(significant.length, 1) / 2) + 1;
};

/** The size of one attribute value, the way DynamoDB bills and limits it. */
export const valueSize = (v: AttributeValue): number => {
  if (v.S !== undefined) return utf8(v.S);
  if (v.N !== undefined) return numberSize(v.N);
  if (v.B !== undefined) return v.B.byteLength;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS !== undefined) return v.SS.reduce((sum, s) => sum + utf8(s), 0);
  if (v.NS !== undefined) return v.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if (v.BS !== undefined) return v.BS.reduce((sum, b) => sum + b.byteLength, 0);
  // Lists and maps cost 3 bytes, and one more per element, besides their contents.
  if (v.L !== undefined) return 3 + v.L.reduce((sum, e) => sum + 1 + valueSize(e), 0);
  if (v.M !== undefined) return 3 + Object.entries(v.M).reduce((sum, [k, e]) => sum + 1 + utf8(k) + valueSize(e), 0);
  return 0;
};

/** The size of a marshalled item: every attribute's name and value. */
export const itemSize = (item: Record<string, AttributeValue>): number =>
  Object.entries(item).reduce((sum, [name, v]) => sum + utf8(name) + valueSize(v), 0);
