/**
 * Reply errors. A handler that finds bad input throws a ReplyError before writing any reply;
 * dispatch turns it into the error reply and counts it in errorstats. The constants are the
 * exact texts Redis sends, shared here so every module spells them the same way.
 */

/**
 * An error reply. `message` is the whole line without the leading dash, code included.
 *
 * @example
 * ```ts
 * throw new ReplyError("ERR syntax error");
 * ```
 */
export class ReplyError extends Error {
  constructor(message: string) {
    super(message);
  }
}

/** Operation against a key holding the wrong kind of value. */
export const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
/** Generic syntax error. */
export const SYNTAX_ERR = "ERR syntax error";
/** An argument that should be an int64 is not. */
export const NOT_INTEGER = "ERR value is not an integer or out of range";
/** An argument that should be a double is not. */
export const NOT_FLOAT = "ERR value is not a valid float";
/** An index past the end. */
export const OUT_OF_RANGE = "ERR index out of range";
/** No such key (RENAME and friends). */
export const NO_SUCH_KEY = "ERR no such key";
/** Integer overflow in INCR and friends. */
export const OVERFLOW = "ERR increment or decrement would overflow";
/** A database index out of range. */
export const DB_INDEX_OUT_OF_RANGE = "ERR DB index is out of range";

/**
 * The wrong-arity error for a command name as the client typed it.
 *
 * @example
 * ```ts
 * wrongArity("get"); // "ERR wrong number of arguments for 'get' command"
 * ```
 */
export function wrongArity(name: string): string {
  return `ERR wrong number of arguments for '${name}' command`;
}
