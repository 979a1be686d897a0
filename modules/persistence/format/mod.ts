/**
 * Redis-compatible persistence formats: pure codecs, no I/O and no server state. The
 * persistence module wires them to files, SAVE/BGSAVE, DEBUG RELOAD, DUMP/RESTORE and
 * replication; data-type modules convert their structures to and from the neutral values.
 *
 * Layers, bottom up:
 *   - `bytes.ts`: bounds-checked reader, growable writer, `FormatError` (offset + whether the
 *     input was merely cut short), latin1 helpers.
 *   - `lzf.ts`, `crc64.ts`: the compressor and checksum Redis uses (interoperable both ways).
 *   - `rdb_primitives.ts`: opcodes, type codes, length/string/double/time encodings.
 *   - `listpack.ts`, `intset.ts`, `legacy_encodings.ts` (ziplist, zipmap): compact encodings.
 *   - `values.ts`: the neutral value model (`RdbValue`) — plain arrays of binary strings.
 *   - `value_codec.ts`, `stream_codec.ts`, `module_value.ts`: one value ↔ RDB bytes, for every
 *     type code Redis 7.4 reads; writing picks the encoding Redis would, for RDB 10/11/12.
 *   - `rdb_reader.ts`, `rdb_writer.ts`: whole files, chunked and incremental.
 *   - `dump.ts`: DUMP/RESTORE payloads with Redis's error texts.
 *
 * Everything here decodes untrusted bytes: errors are `FormatError`s (or `DumpPayloadError`s
 * with Redis's reply text), never crashes, and no length read from the input can make a
 * decoder allocate more than the input could possibly describe.
 *
 * @example
 * ```ts
 * import { RdbWriter, readRdb } from "./mod.ts";
 * const w = new RdbWriter({ rdbVersion: 10 });
 * w.selectDb(0);
 * w.key("k", { kind: "list", items: ["a", "b"] });
 * for (const rec of readRdb(w.end())) console.log(rec.kind);
 * ```
 *
 * @module
 */

export { ByteReader, bytesToLatin1, ByteWriter, FormatError, latin1ToBytes } from "./bytes.ts";
export { Crc64, crc64 } from "./crc64.ts";
export { lzfCompress, lzfDecompress } from "./lzf.ts";
export {
  RDB_TYPE_MIN_VERSION,
  RDB_VERSION_LATEST,
  RdbOpcode,
  RdbType,
  readBlob,
  readLength,
  readString,
  writeBlob,
  writeLength,
  writeString,
} from "./rdb_primitives.ts";
export { listpackDecode, listpackEncode } from "./listpack.ts";
export { intsetDecode, intsetEncode } from "./intset.ts";
export { ziplistDecode, zipmapDecode } from "./legacy_encodings.ts";
export type {
  HashValue,
  ListValue,
  ModuleValue,
  RdbValue,
  SetValue,
  StreamConsumer,
  StreamEntry,
  StreamGroup,
  StreamPendingEntry,
  StreamValue,
  StringValue,
  ZsetValue,
} from "./values.ts";
export { isEmptyCollection } from "./values.ts";
export {
  formatScore,
  parseScore,
  readValue,
  type ValueWriteOptions,
  writeValue,
} from "./value_codec.ts";
export { parseStreamId } from "./stream_codec.ts";
export {
  buildModuleItems,
  moduleIdDecode,
  moduleIdEncode,
  type ModuleItem,
  parseModuleItems,
} from "./module_value.ts";
export { RdbReader, type RdbReaderOptions, type RdbRecord, readRdb } from "./rdb_reader.ts";
export { type KeyMeta, RdbWriter, type RdbWriterOptions } from "./rdb_writer.ts";
export {
  decodeDump,
  DUMP_BAD_DATA,
  DUMP_BAD_PAYLOAD,
  DumpPayloadError,
  encodeDump,
  verifyDump,
} from "./dump.ts";
