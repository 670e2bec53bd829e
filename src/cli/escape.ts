/**
 * One line per message: control characters (newlines included) in a path or
 * a reason are written as escapes, so one error is always one line.
 *
 * @module
 */

/**
 * `line` with every control character (C0, DEL, C1, U+2028, U+2029) escaped
 * as `\n`, `\r`, `\t` or `\xNN` / `\uNNNN`.
 *
 * @example
 * ```ts
 * import { escapeLine } from "./escape.ts";
 * escapeLine("in/a\nb.png: corrupt"); // "in/a\\nb.png: corrupt"
 * ```
 */
export function escapeLine(line: string): string {
  // deno-lint-ignore no-control-regex
  return line.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
