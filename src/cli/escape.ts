/**
 * One line per message: control characters (newlines included) in a path or
 * a reason are written as escapes, so one error is always one line.
 *
 * @module
 */

/**
 * `line` with every control character (C0, DEL, C1, U+2028, U+2029) and
 * every bidirectional control (U+061C, U+200E, U+200F, U+202A–U+202E,
 * U+2066–U+2069, which reorder what a terminal shows) escaped as `\n`, `\r`,
 * `\t` or `\xNN` / `\uNNNN`.
 *
 * @example
 * ```ts
 * import { escapeLine } from "./escape.ts";
 * escapeLine("in/a\nb.png: corrupt"); // "in/a\\nb.png: corrupt"
 * escapeLine("in/gnp.\u202eexe"); // "in/gnp.\\u202eexe"
 * ```
 */
export function escapeLine(line: string): string {
  // deno-lint-ignore no-control-regex
  return line.replace(/[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
