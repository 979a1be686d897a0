import { describe, expect, test } from "bun:test";
import { ByteReader, ByteWriter, latin1ToBytes } from "./bytes.ts";
import {
  buildModuleItems,
  moduleIdDecode,
  moduleIdEncode,
  type ModuleItem,
  parseModuleItems,
} from "./module_value.ts";
import { RdbType, writeLength } from "./rdb_primitives.ts";
import { readRdb } from "./rdb_reader.ts";
import { RdbWriter } from "./rdb_writer.ts";
import { redisAvailable, run, tempDir } from "./redis_fixture.ts";
import { readValue } from "./value_codec.ts";

const items: ModuleItem[] = [
  { op: "uint", value: 18446744073709551615n },
  { op: "sint", value: -5n },
  { op: "float", value: 1.5 },
  { op: "double", value: -0.1 },
  { op: "string", value: latin1ToBytes("payload\0\xff") },
];

describe("module values", () => {
  test("module IDs pack the 9-char name and 10-bit version", () => {
    const id = moduleIdEncode("MyType-_9", 1023);
    expect(id & 1023n).toBe(1023n);
    expect(moduleIdDecode(id)).toEqual({ name: "MyType-_9", encver: 1023 });
    // first character in the top 6 bits: "B" is index 1
    expect(moduleIdEncode("BAAAAAAAA", 0)).toBe(1n << 58n);
    expect(() => moduleIdEncode("short", 1)).toThrow(/9 characters/);
    expect(() => moduleIdEncode("bad type!", 1)).toThrow(/invalid character/);
    expect(() => moduleIdEncode("abcdefghi", 1024)).toThrow(/0\.\.1023/);
  });

  test("annotated items round trip", () => {
    expect(parseModuleItems(buildModuleItems(items), "x")).toEqual(items);
    expect(() => parseModuleItems(new Uint8Array([9]), "mytype-AB")).toThrow(
      /unknown opcode 9 in the value of module type "mytype-AB"/,
    );
    expect(() => parseModuleItems(new Uint8Array([0, 0]), "t")).toThrow(/bytes after the end/);
  });

  test("unknown module values are skipped and kept opaque; pre-GA ones are refused by name", () => {
    const w = new ByteWriter();
    writeLength(w, moduleIdEncode("mytype-AB", 3));
    w.bytes(buildModuleItems(items));
    w.u8(0x42); // next record starts here
    const r = new ByteReader(w.finish());
    const v = readValue(r, RdbType.MODULE_2);
    expect(v).toMatchObject({ kind: "module", name: "mytype-AB", encver: 3 });
    expect(r.u8("next")).toBe(0x42);
    const pre = new ByteWriter();
    writeLength(pre, moduleIdEncode("oldtype-1", 0));
    expect(() => readValue(new ByteReader(pre.finish()), RdbType.MODULE_PRE_GA)).toThrow(
      /module type "oldtype-1"/,
    );
  });

  test("module values and aux data survive a file round trip; redis-check-rdb accepts them", async () => {
    const rdb = new RdbWriter({ rdbVersion: 10 });
    rdb.moduleAux("mytype-AB", 3, 1, buildModuleItems([{ op: "uint", value: 7n }]));
    rdb.selectDb(0);
    rdb.key("m", { kind: "module", name: "mytype-AB", encver: 3, body: buildModuleItems(items) });
    const file = rdb.end();
    const recs = [...readRdb(file)];
    expect(recs[0]).toMatchObject({ kind: "module-aux", name: "mytype-AB", encver: 3, when: 1 });
    const key = recs.find((r) => r.kind === "key")!;
    expect(
      key.kind === "key" && key.value.kind === "module" && parseModuleItems(key.value.body, "x"),
    ).toEqual(items);
    if (!redisAvailable()) return console.warn("SKIP redis-check-rdb part: not on PATH");
    const dir = await tempDir();
    await Bun.write(`${dir}/m.rdb`, file);
    const check = await run(["redis-check-rdb", `${dir}/m.rdb`]);
    await run(["rm", "-rf", dir]);
    expect(check.out).toContain("RDB looks OK");
  });
});
