/**
 * DUMP / RESTORE payloads: one value in RDB encoding (type byte + body), then the RDB version
 * as a 2-byte little-endian number, then the CRC-64 of everything before it (8 bytes LE).
 *
 * Rules as in Redis 7.4: a payload shorter than 10 bytes, or with a version above the newest
 * this server understands (12), or whose checksum doesn't match, is refused with the reply
 * "ERR DUMP payload version or checksum are wrong" (the checksum check can be skipped, like
 * Redis's skip-checksum-validation); a payload that passes but can't be decoded is refused
 * with "ERR Bad data format". The errors carry those exact texts so RESTORE can reply with
 * `err.message` unchanged.
 */

import { ByteReader, ByteWriter, FormatError } from "./bytes.ts";
import { Crc64 } from "./crc64.ts";
import { RDB_VERSION_LATEST } from "./rdb_primitives.ts";
import { readValue, type ValueWriteOptions, writeValue } from "./value_codec.ts";
import { isEmptyCollection, type RdbValue } from "./values.ts";

/** Redis's reply for a payload with a bad version or checksum. */
export const DUMP_BAD_PAYLOAD = "ERR DUMP payload version or checksum are wrong";
/** Redis's reply for a payload whose value can't be decoded. */
export const DUMP_BAD_DATA = "ERR Bad data format";

/**
 * A refused DUMP payload; `message` is the exact Redis error reply, `cause` the decoder's
 * detailed reason when there is one.
 *
 * @example
 * ```ts
 * try { decodeDump(bytes); } catch (e) { if (e instanceof DumpPayloadError) reply.error(e.message); }
 * ```
 */
export class DumpPayloadError extends Error {
  /** @example `new DumpPayloadError(DUMP_BAD_DATA)` */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DumpPayloadError";
  }
}

/**
 * Serializes a value as a DUMP payload (RDB version from `options.rdbVersion`, default 12).
 *
 * @example
 * ```ts
 * const payload = encodeDump({ kind: "string", value: "hi" }, { rdbVersion: 10 });
 * ```
 */
export function encodeDump(value: RdbValue, options: ValueWriteOptions = {}): Uint8Array {
  const version = options.rdbVersion ?? RDB_VERSION_LATEST;
  const w = new ByteWriter();
  w.u8(0);
  w.patchU8(0, writeValue(w, value, { ...options, rdbVersion: version }));
  w.u16le(version);
  w.bytes(new Crc64().update(w.peek()).bytes());
  return w.finish();
}

/**
 * Checks a payload's trailer and returns its RDB version; throws `DumpPayloadError` with
 * Redis's text when the version is too new or the checksum is wrong.
 *
 * @example
 * ```ts
 * verifyDump(payload); // 12
 * ```
 */
export function verifyDump(payload: Uint8Array, options: { skipChecksum?: boolean } = {}): number {
  if (payload.length < 10) throw new DumpPayloadError(DUMP_BAD_PAYLOAD);
  const footer = payload.length - 10;
  const version = payload[footer] | (payload[footer + 1] << 8);
  if (version > RDB_VERSION_LATEST) throw new DumpPayloadError(DUMP_BAD_PAYLOAD);
  if (options.skipChecksum) return version;
  const crc = new Crc64().update(payload.subarray(0, payload.length - 8)).bytes();
  for (let i = 0; i < 8; i++) {
    if (crc[i] !== payload[payload.length - 8 + i]) throw new DumpPayloadError(DUMP_BAD_PAYLOAD);
  }
  return version;
}

/**
 * Verifies and decodes a payload: the value, its RDB type code and the payload's version.
 *
 * @example
 * ```ts
 * const { value } = decodeDump(payload); // { kind: "string", value: "hi" }
 * ```
 */
export function decodeDump(
  payload: Uint8Array,
  options: { skipChecksum?: boolean } = {},
): { value: RdbValue; type: number; version: number } {
  const version = verifyDump(payload, options);
  const r = new ByteReader(payload.subarray(0, payload.length - 10));
  try {
    const type = r.u8("type");
    const value = readValue(r, type);
    if (isEmptyCollection(value)) throw new FormatError("empty collection", r.offset());
    return { value, type, version };
  } catch (e) {
    if (e instanceof FormatError) throw new DumpPayloadError(DUMP_BAD_DATA, { cause: e });
    throw e;
  }
}
