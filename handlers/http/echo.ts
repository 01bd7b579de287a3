/**
 * What an error message may repeat of a client's input: a bounded amount, whatever was sent.
 * A refusal that echoes a 200 KB field, or walks a value of unbounded depth to describe it, turns
 * a 4xx into a slow answer, an amplified one, or a stack overflow (a 500).
 */

/** At most `max` characters of `text`, never cutting a surrogate pair in two. */
export const clip = (text: string, max: number): string => {
  if (text.length <= max) return text;
  let end = max - 3;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}...`;
};

const MAX_ITEMS = 5;
const MAX_DEPTH = 2;

/** JSON-like, but only the first few items of the first few levels: its cost does not grow with the value. */
const render = (value: unknown, depth: number): string => {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      // Clipped before it is quoted: JSON.stringify of a long string costs as much as the string.
      return JSON.stringify(clip(value, 40));
    case "number":
    case "boolean":
      return String(value);
    case "undefined":
      return "nothing";
    case "object": {
      if (depth >= MAX_DEPTH) return Array.isArray(value) ? "[...]" : "{...}";
      if (Array.isArray(value)) {
        const items = value.slice(0, MAX_ITEMS).map((v) => render(v, depth + 1));
        return `[${items.join(",")}${value.length > MAX_ITEMS ? ",..." : ""}]`;
      }
      const entries: string[] = [];
      let more = false;
      for (const key in value) {
        if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
        if (entries.length === MAX_ITEMS) {
          more = true;
          break;
        }
        entries.push(`${JSON.stringify(clip(key, 20))}:${render((value as Record<string, unknown>)[key], depth + 1)}`);
      }
      return `{${entries.join(",")}${more ? ",..." : ""}}`;
    }
    default:
      return typeof value;
  }
};

/** A client's value, as a field error shows it: at most 60 characters. */
export const preview = (value: unknown): string => clip(render(value, 0), 60);
