/**
 * Old-format samples: the RDB files shipped with Redis's test suite (ziplists, zipmaps,
 * intsets, quicklist v1, string-scored zsets, RDB versions 3..10), read from the reference
 * checkout at test time (never copied here). redis-server 7.0.15 is the oracle: it loads each
 * file and DUMPs every key, and our decoding of the old file must match its view.
 */
import { describe, expect, test } from "bun:test";
import { FormatError, latin1ToBytes } from "./bytes.ts";
import { decodeDump } from "./dump.ts";
import { RdbType } from "./rdb_primitives.ts";
import { readRdb } from "./rdb_reader.ts";
import { normalize, redisAvailable, run, startRedis, tempDir } from "./redis_fixture.ts";
import { isEmptyCollection } from "./values.ts";

const ASSETS = "/tmp/redis/tests/assets";
const present = await Bun.file(`${ASSETS}/encodings.rdb`).exists();
const available = present && redisAvailable();
if (!available) console.warn(`SKIP legacy_assets_test: needs redis-server and ${ASSETS}`);

const load = async (name: string) =>
  new Uint8Array(await Bun.file(`${ASSETS}/${name}`).arrayBuffer());

describe.skipIf(!available)("Redis test-suite RDB samples", () => {
  for (
    const name of [
      "encodings.rdb",
      "hash-zipmap.rdb",
      "hash-ziplist.rdb",
      "list-quicklist.rdb",
      "zset-ziplist.rdb",
    ]
  ) {
    test(`${name} decodes like redis-server loads it`, async () => {
      const bytes = await load(name);
      const keys = [...readRdb(bytes)].flatMap((r) => (r.kind === "key" ? [r] : []));
      expect(keys.length).toBeGreaterThan(0);
      const dir = await tempDir();
      await Bun.write(`${dir}/${name}`, bytes);
      const redis = await startRedis(["--dbfilename", name], dir);
      try {
        for (const rec of keys) {
          const dumped = (await redis.call("DUMP", rec.key)) as string;
          expect(normalize(decodeDump(latin1ToBytes(dumped)).value)).toEqual(normalize(rec.value));
        }
      } finally {
        await redis.stop();
        await run(["rm", "-rf", dir]);
      }
    });
  }

  test("encodings.rdb covers the legacy type codes", async () => {
    const types = new Set(
      [...readRdb(await load("encodings.rdb"))].flatMap((r) => (r.kind === "key" ? [r.type] : [])),
    );
    for (
      const t of [
        RdbType.ZSET,
        RdbType.SET_INTSET,
        RdbType.LIST_ZIPLIST,
        RdbType.HASH_ZIPLIST,
        RdbType.ZSET_ZIPLIST,
        RdbType.LIST,
        RdbType.SET,
        RdbType.HASH,
      ]
    ) {
      expect(types.has(t)).toBe(true);
    }
  });

  test("corrupt_ziplist.rdb is refused with a located error", async () => {
    const bytes = await load("corrupt_ziplist.rdb");
    expect(() => [...readRdb(bytes)]).toThrow(FormatError);
  });

  test("corrupt_empty_keys.rdb: empty collections decode and are flagged", async () => {
    const keys = [...readRdb(await load("corrupt_empty_keys.rdb"))].flatMap((
      r,
    ) => (r.kind === "key" ? [r] : []));
    expect(keys.length).toBe(9);
    for (const k of keys) expect(isEmptyCollection(k.value)).toBe(true);
  });

  test("scriptbackup.rdb keeps its lua aux field", async () => {
    const aux = [...readRdb(await load("scriptbackup.rdb"))].find((r) =>
      r.kind === "aux" && r.name === "lua"
    );
    expect(aux).toEqual({
      kind: "aux",
      name: "lua",
      value: "return redis.call('set', 'foo', 'bar')",
    });
  });
});
