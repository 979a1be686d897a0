/**
 * Interop with the real redis-server 7.0.15: its dump.rdb and DUMP payloads decode to exactly
 * the data we put in; files and payloads we write are accepted by redis-check-rdb, loaded by
 * redis-server and RESTOREd with the same data. Skips (visibly) without redis-server.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { bytesToLatin1, latin1ToBytes } from "./bytes.ts";
import { decodeDump, DUMP_BAD_PAYLOAD, encodeDump } from "./dump.ts";
import { RdbType } from "./rdb_primitives.ts";
import { type RdbRecord, readRdb } from "./rdb_reader.ts";
import { RdbWriter } from "./rdb_writer.ts";
import {
  normalize,
  redisAvailable,
  type RedisServer,
  RespError,
  run,
  startRedis,
  streamFromXinfo,
} from "./redis_fixture.ts";
import type { RdbValue } from "./values.ts";

const available = redisAvailable();
if (!available) console.warn("SKIP rdb_interop_test: redis-server / redis-check-rdb not on PATH");

const allBytes = bytesToLatin1(Uint8Array.from({ length: 256 }, (_, i) => i));
const range = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));

/** Keys of db 0 with the value we store and the type code Redis 7.0 should save it with. */
const fixtures: [string, RdbValue, number][] = [
  ["str", { kind: "string", value: "hello" }, RdbType.STRING],
  ["str:int", { kind: "string", value: "-12345" }, RdbType.STRING],
  ["str:bigint", { kind: "string", value: "123456789012345" }, RdbType.STRING],
  ["str:empty", { kind: "string", value: "" }, RdbType.STRING],
  ["str:binary", { kind: "string", value: allBytes }, RdbType.STRING],
  ["str:lzf", { kind: "string", value: "abcdefgh".repeat(500) }, RdbType.STRING],
  [
    "list:small",
    { kind: "list", items: ["a", "1", "-5", "bb", "70000"] },
    RdbType.LIST_QUICKLIST_2,
  ],
  [
    "list:big",
    { kind: "list", items: range(300, (i) => (i % 3 ? `item-${i}` : String(i * 1000))) },
    RdbType.LIST_QUICKLIST_2,
  ],
  [
    "list:long",
    { kind: "list", items: ["x".repeat(5000), allBytes, "z"] },
    RdbType.LIST_QUICKLIST_2,
  ],
  [
    "set:ints",
    { kind: "set", members: ["1", "2", "3", "-40000", "5000000000"] },
    RdbType.SET_INTSET,
  ],
  ["set:strs", { kind: "set", members: ["a", "b", "c"] }, RdbType.SET],
  ["set:big", { kind: "set", members: range(600, (i) => String(i)) }, RdbType.SET],
  ["zset:small", {
    kind: "zset",
    entries: [["a", 1.5], ["b", -0.25], ["c", 3], ["d", Infinity], ["e", -Infinity], ["f", 1e300]],
  }, RdbType.ZSET_LISTPACK],
  [
    "zset:big",
    { kind: "zset", entries: range(200, (i) => [`m${i}`, i / 7]) as [string, number][] },
    RdbType.ZSET_2,
  ],
  [
    "hash:small",
    { kind: "hash", entries: [["f1", "v1"], ["n", "42"], ["bin", "\x00\xff"]] },
    RdbType.HASH_LISTPACK,
  ],
  ["hash:big", {
    kind: "hash",
    entries: range(200, (i) => [`field${i}`, `value${i}`]) as [string, string][],
  }, RdbType.HASH],
  ["hash:longval", { kind: "hash", entries: [["f", "v".repeat(100)]] }, RdbType.HASH],
];

async function populate(redis: RedisServer): Promise<void> {
  const ok = async (...args: string[]) => {
    const r = await redis.call(...args);
    if (r instanceof RespError) throw new Error(`${args[0]}: ${r.message}`);
    return r;
  };
  for (const [key, v] of fixtures) {
    if (v.kind === "string") await ok("SET", key, v.value);
    else if (v.kind === "list") await ok("RPUSH", key, ...v.items);
    else if (v.kind === "set") await ok("SADD", key, ...v.members);
    else if (v.kind === "zset") {
      await ok("ZADD", key, ...v.entries.flatMap(([m, s]) => [String(s), m]));
    } else if (v.kind === "hash") await ok("HSET", key, ...v.entries.flatMap(([f, x]) => [f, x]));
  }
  await ok("PEXPIREAT", "str", "4102444800000");
  for (let i = 1; i <= 10; i++) {
    await ok("XADD", "stream", `${i}-${i % 3}`, "temp", String(20 + i), "hum", `${i}%`);
  }
  await ok("XADD", "stream", "11-0", "other", "fields", "x", "y", "z", "w");
  await ok("XDEL", "stream", "3-0", "4-1");
  await ok("XGROUP", "CREATE", "stream", "g1", "0");
  await ok("XGROUP", "CREATE", "stream", "g2", "$");
  await ok("XREADGROUP", "GROUP", "g1", "alice", "COUNT", "3", "STREAMS", "stream", ">");
  await ok("XREADGROUP", "GROUP", "g1", "bob", "COUNT", "2", "STREAMS", "stream", ">");
  await ok("XACK", "stream", "g1", "1-1");
  await ok("XADD", "stream:empty", "5-5", "a", "b");
  await ok("XDEL", "stream:empty", "5-5");
  await ok(
    "FUNCTION",
    "LOAD",
    "#!lua name=mylib\nredis.register_function('f1', function() return 1 end)",
  );
  await ok("SELECT", "3");
  await ok("SET", "in-db-3", "x");
  await ok("SELECT", "0");
}

async function expectedStreams(redis: RedisServer): Promise<Map<string, RdbValue>> {
  const out = new Map<string, RdbValue>();
  for (const key of ["stream", "stream:empty"]) {
    out.set(key, streamFromXinfo(await redis.call("XINFO", "STREAM", key, "FULL")));
  }
  return out;
}

describe.skipIf(!available)("interop with redis-server 7.0", () => {
  let redis: RedisServer;
  let rdb: Uint8Array;
  let streams: Map<string, RdbValue>;

  beforeAll(async () => {
    redis = await startRedis([
      ...[
        "--list-max-listpack-size",
        "16",
        "--stream-node-max-entries",
        "4",
        "--maxmemory-policy",
        "allkeys-lru",
      ],
      ...[
        "--hash-max-listpack-entries",
        "128",
        "--zset-max-listpack-entries",
        "128",
        "--set-max-intset-entries",
        "512",
      ],
    ]);
    await populate(redis);
    streams = await expectedStreams(redis);
    expect(await redis.call("SAVE")).toBe("OK");
    rdb = new Uint8Array(await Bun.file(`${redis.dir}/dump.rdb`).arrayBuffer());
  });
  afterAll(async () => {
    await redis?.stop();
  });

  test("reads redis's dump.rdb exactly", () => {
    const records = [...readRdb(rdb)];
    const keys = new Map<string, Extract<RdbRecord, { kind: "key" }>>();
    for (const r of records) if (r.kind === "key") keys.set(`${r.db}/${r.key}`, r);
    for (const [key, value, type] of fixtures) {
      const rec = keys.get(`0/${key}`)!;
      expect(rec).toBeDefined();
      expect([key, rec.type]).toEqual([key, type]);
      expect(normalize(rec.value)).toEqual(normalize(value));
      expect(rec.idle).toBeNumber();
    }
    expect(keys.get("0/str")!.expireAt).toBe(4102444800000);
    expect(keys.get("0/stream")!.type).toBe(RdbType.STREAM_LISTPACKS_2);
    for (const [key, value] of streams) {
      expect(normalize(keys.get(`0/${key}`)!.value)).toEqual(normalize(value));
    }
    expect(keys.get("3/in-db-3")!.value).toEqual({ kind: "string", value: "x" });
    const aux = Object.fromEntries(
      records.flatMap((r) => (r.kind === "aux" ? [[r.name, r.value]] : [])),
    );
    expect(aux["redis-ver"]).toBe("7.0.15");
    expect(records.find((r) => r.kind === "function")).toEqual({
      kind: "function",
      code: "#!lua name=mylib\nredis.register_function('f1', function() return 1 end)",
    });
    expect(records.filter((r) => r.kind === "resizedb").length).toBe(2);
    expect(records.at(-1)).toMatchObject({ kind: "eof", verified: true });
  });

  test("decodes redis's DUMP payloads", async () => {
    for (const [key, value, type] of fixtures) {
      const payload = latin1ToBytes((await redis.call("DUMP", key)) as string);
      const decoded = decodeDump(payload);
      expect(decoded.version).toBe(10);
      expect([key, decoded.type]).toEqual([key, type]);
      expect(normalize(decoded.value)).toEqual(normalize(value));
    }
    const s = decodeDump(latin1ToBytes((await redis.call("DUMP", "stream")) as string));
    expect(normalize(s.value)).toEqual(normalize(streams.get("stream")!));
  });

  test("redis RESTOREs our payloads (compressed or not) to the same data", async () => {
    const all: [string, RdbValue][] = [
      ...fixtures.map(([k, v]) => [k, v] as [string, RdbValue]),
      ...streams,
    ];
    for (const compress of [true, false]) {
      for (const [key, value] of all) {
        const payload = encodeDump(value, { rdbVersion: 10, compress });
        const copy = `restored:${compress}:${key}`;
        expect(await redis.call("RESTORE", copy, "0", bytesToLatin1(payload))).toBe("OK");
        const back = decodeDump(latin1ToBytes((await redis.call("DUMP", copy)) as string));
        expect(normalize(back.value)).toEqual(normalize(value));
      }
    }
    // Redis refuses a tampered payload with the same text we use.
    const bad = encodeDump({ kind: "string", value: "x" }, { rdbVersion: 10 });
    bad[1] ^= 1;
    const reply = await redis.call("RESTORE", "tampered", "0", bytesToLatin1(bad));
    expect(reply).toBeInstanceOf(RespError);
    expect((reply as RespError).message).toBe(DUMP_BAD_PAYLOAD);
  });

  test("files we write pass redis-check-rdb and load with the same data", async () => {
    const records = [...readRdb(rdb)];
    const writer = new RdbWriter({ rdbVersion: 10, compress: true });
    const chunks: Uint8Array[] = [];
    let db = 0;
    for (const r of records) {
      if (r.kind === "aux") writer.aux(r.name, r.value);
      else if (r.kind === "selectdb") writer.selectDb(db = r.db);
      else if (r.kind === "resizedb") writer.resizeDb(r.keys, r.expires);
      else if (r.kind === "function") writer.functionLibrary(r.code);
      else if (r.kind === "key") writer.key(r.key, r.value, { expireAt: r.expireAt, idle: r.idle });
      if (writer.pending > 1024) chunks.push(writer.take()); // exercise incremental output
    }
    chunks.push(writer.end());
    expect(db).toBe(3);
    const dir = (await run(["mktemp", "-d", "/tmp/modis-rdb-XXXXXX"])).out.trim();
    await Bun.write(`${dir}/ours.rdb`, new Blob(chunks));
    const check = await run(["redis-check-rdb", `${dir}/ours.rdb`]);
    expect(check.out).toContain("RDB looks OK");
    const loaded = await startRedis(["--dbfilename", "ours.rdb"], dir);
    try {
      for (const r of records) {
        if (r.kind !== "key") continue;
        await loaded.call("SELECT", String(r.db));
        const payload = await loaded.call("DUMP", r.key);
        expect(normalize(decodeDump(latin1ToBytes(payload as string)).value)).toEqual(
          normalize(r.value),
        );
      }
      await loaded.call("SELECT", "0");
      expect(await loaded.call("PEXPIRETIME", "str")).toBe(4102444800000);
      expect(await loaded.call("FCALL", "f1", "0")).toBe(1);
      expect(await loaded.call("OBJECT", "ENCODING", "set:ints")).toBe("intset");
      expect(await loaded.call("OBJECT", "ENCODING", "hash:small")).toBe("listpack");
      expect(await loaded.call("OBJECT", "ENCODING", "zset:big")).toBe("skiplist");
    } finally {
      await loaded.stop();
      await run(["rm", "-rf", dir]);
    }
  });
});
