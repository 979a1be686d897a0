/**
 * FUNCTION DUMP / RESTORE payloads in Redis's format, so payloads move between Modis and
 * redis-server: for each library the RDB FUNCTION2 opcode (245) followed by the library code
 * as an RDB string, then the RDB version (2 bytes, little-endian) and the CRC-64 of
 * everything before it (8 bytes, little-endian) — the same trailer as DUMP payloads, built
 * with the persistence module's format primitives.
 */

import { ReplyError } from "../../core/errors.ts";
import { ByteReader, ByteWriter, FormatError } from "../persistence/format/bytes.ts";
import { Crc64 } from "../persistence/format/crc64.ts";
import { DumpPayloadError, verifyDump } from "../persistence/format/dump.ts";
import {
  RDB_VERSION_LATEST,
  RdbOpcode,
  readString,
  writeString,
} from "../persistence/format/rdb_primitives.ts";

/**
 * Serialize library codes as a FUNCTION DUMP payload.
 *
 * @example
 * ```ts
 * const payload = dumpFunctions(["#!lua name=l\nredis.register_function('f', function() end)"]);
 * ```
 */
export function dumpFunctions(codes: string[]): Uint8Array {
  const w = new ByteWriter();
  for (const code of codes) {
    w.u8(RdbOpcode.FUNCTION2);
    writeString(w, code);
  }
  w.u16le(RDB_VERSION_LATEST);
  w.bytes(new Crc64().update(w.peek()).bytes());
  return w.finish();
}

/**
 * Read the library codes of a FUNCTION RESTORE payload; throws ReplyError with Redis's
 * texts (bad checksum or version, a record that is not a library).
 *
 * @example
 * ```ts
 * restoreCodes(dumpFunctions(["#!lua name=l\n..."])); // ["#!lua name=l\n..."]
 * ```
 */
export function restoreCodes(payload: Uint8Array): string[] {
  try {
    verifyDump(payload);
  } catch (e) {
    if (e instanceof DumpPayloadError) {
      throw new ReplyError("ERR DUMP payload version or checksum are wrong");
    }
    throw e;
  }
  const r = new ByteReader(payload.subarray(0, payload.length - 10));
  const codes: string[] = [];
  try {
    while (!r.atEnd()) {
      const type = r.u8("type");
      if (type === RdbOpcode.FUNCTION_PRE_GA) {
        throw new ReplyError("ERR Pre-GA function format not supported");
      }
      if (type !== RdbOpcode.FUNCTION2) throw new ReplyError("ERR given type is not a function");
      codes.push(readString(r, "library code"));
    }
  } catch (e) {
    if (e instanceof FormatError) {
      throw new ReplyError("ERR failed loading the given functions payload");
    }
    throw e;
  }
  return codes;
}
