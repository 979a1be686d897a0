/**
 * Scripted differential tests of the hyperloglog, geo and sort modules against the reference
 * redis-server: every reply compared, type and value.
 *
 * - HyperLogLog: PFADD/PFCOUNT estimates on the same inputs (sparse, promoted and dense),
 *   raw GET of the strings, PFMERGE/PFCOUNT unions, corrupted strings, type errors.
 * - Geo: random points (seeded) then GEOPOS/GEODIST/GEOHASH, GEOSEARCH by radius and box in
 *   every unit with every option, the GEORADIUS family, STORE/STOREDIST results read back,
 *   and the argument errors.
 * - SORT: lists, sets and sorted sets by value, BY key and hash field, nosort, LIMIT, GET,
 *   ALPHA, STORE, bad weights.
 *
 * Declared differences with the 7.0 reference (Modis follows 7.4): PFMERGE into a new key
 * keeps the sparse encoding when every input is sparse (7.0 always went dense), so raw
 * bytes are only compared after PFADD; distances are rounded like 7.4 (llrint of d*10^4
 * rather than "%.4f"), equal for all points used here.
 */

import { describe, expect, test } from "bun:test";
import type { Arg, Reply } from "../helpers/mod.ts";
import { Rng } from "./framework.ts";
import { usePair } from "./pair.ts";

const pair = usePair();

/** Send to both, expect equal replies; returns the reference reply. */
async function same(...argv: Arg[]): Promise<Reply> {
  const p = pair()!;
  const [r, m] = await p.both(...argv);
  expect({ cmd: argv.map(String).join(" "), reply: m }).toEqual({
    cmd: argv.map(String).join(" "),
    reply: r,
  });
  return r;
}

/** Like `same`, but orders of arrays are ignored (set iteration order differs by design). */
async function sameSorted(...argv: Arg[]): Promise<void> {
  const p = pair()!;
  const [r, m] = await p.both(...argv);
  const norm = (x: Reply) => (Array.isArray(x) ? [...x].map(String).sort() : x);
  expect(norm(m)).toEqual(norm(r));
}

/**
 * Like `same` for replies holding zset scores: redis-server 7.0 prints scores with 17
 * significant digits, 7.4 (and Modis) with the shortest round-trip form; compare values.
 */
async function sameScores(...argv: Arg[]): Promise<void> {
  const p = pair()!;
  const [r, m] = await p.both(...argv);
  const norm = (x: Reply): Reply =>
    Array.isArray(x)
      ? x.map((e) => (typeof e === "string" && /^-?[\d.e+-]+$/.test(e) ? Number(e) : norm(e)))
      : x;
  expect(norm(m)).toEqual(norm(r));
}

const skip = () => pair() === null;

describe("hyperloglog vs redis-server", () => {
  test("estimates and raw strings after PFADD (sparse, promoted, dense)", async () => {
    if (skip()) return;
    const rng = new Rng(7);
    for (const n of [0, 1, 5, 50, 400, 1500, 6000]) {
      await same("DEL", "h");
      const els: string[] = [];
      for (let i = 0; i < n; i++) els.push(String(rng.int(0, 1e9)));
      for (let i = 0; i < els.length; i += 200) await same("PFADD", "h", ...els.slice(i, i + 200));
      if (n === 0) await same("PFADD", "h");
      await same("GET", "h");
      await same("PFCOUNT", "h");
      await same("GET", "h"); // the cached cardinality is now in the header
      await same("PFDEBUG", "ENCODING", "h");
    }
  });

  test("unions, merges, small sparse limits", async () => {
    if (skip()) return;
    await same("CONFIG", "SET", "hll-sparse-max-bytes", "200");
    for (let k = 1; k <= 3; k++) {
      const els = Array.from({ length: 300 * k }, (_, i) => `${k}-${i % (100 * k)}-${i}`);
      await same("DEL", `u${k}`);
      await same("PFADD", `u${k}`, ...els);
      await same("GET", `u${k}`);
    }
    await same("PFCOUNT", "u1", "u2", "u3", "missing");
    await same("PFMERGE", "dst", "u1", "u2", "u3");
    await same("PFCOUNT", "dst");
    await same("PFMERGE", "u1", "u2");
    await same("PFCOUNT", "u1");
    await same("CONFIG", "SET", "hll-sparse-max-bytes", "3000");
  });

  test("errors: wrong types and corrupted values", async () => {
    if (skip()) return;
    await same("SET", "s", "bar");
    await same("PFADD", "s", "a");
    await same("PFCOUNT", "s");
    await same("PFMERGE", "s", "u2");
    await same("RPUSH", "l", "a");
    await same("PFCOUNT", "l");
    await same("DEL", "c");
    await same("PFADD", "c", "a", "b", "c");
    await same("APPEND", "c", "hello");
    await same("PFCOUNT", "c");
    await same("PFADD", "c", "zz", "yy");
    await same("PFDEBUG", "GETREG", "nokey");
    await same("PFDEBUG", "NOPE", "c");
  });
});

describe("geo vs redis-server", () => {
  const points: [number, number, string][] = [];
  test("positions, distances, hashes", async () => {
    if (skip()) return;
    const rng = new Rng(42);
    await same("DEL", "g");
    for (let i = 0; i < 300; i++) {
      const lon = rng.next() * 360 - 180;
      const lat = rng.next() * 170 - 85;
      points.push([lon, lat, `p${i}`]);
    }
    // A dense cluster around a city, and the edges of the valid range.
    for (let i = 0; i < 200; i++) points.push([13 + rng.next(), 38 + rng.next(), `c${i}`]);
    points.push([180, 85.05112878, "ne"], [-180, -85.05112878, "sw"], [0, 0, "zero"]);
    for (let i = 0; i < points.length; i += 50) {
      await same(
        "GEOADD",
        "g",
        ...points.slice(i, i + 50).flatMap(([x, y, m]) => [String(x), String(y), m]),
      );
    }
    await same("ZRANGE", "g", "0", "-1", "WITHSCORES");
    await same("GEOPOS", "g", ...points.map((p) => p[2]), "missing");
    await same("GEOHASH", "g", ...points.map((p) => p[2]), "missing");
    for (let i = 0; i < 100; i++) {
      for (const unit of ["m", "km", "ft", "mi"]) {
        await same("GEODIST", "g", points[i][2], points[(i * 7 + 3) % points.length][2], unit);
      }
    }
    await same("GEODIST", "g", "p1", "missing");
  });

  test("GEOSEARCH and GEORADIUS results", async () => {
    if (skip()) return;
    const rng = new Rng(9);
    const opts = [[], ["ASC"], ["DESC"], ["COUNT", "5"], ["COUNT", "3", "ANY"], [
      "DESC",
      "COUNT",
      "7",
    ]];
    const withs = [[], ["WITHDIST"], ["WITHCOORD", "WITHHASH"], [
      "WITHDIST",
      "WITHCOORD",
      "WITHHASH",
    ]];
    for (let i = 0; i < 60; i++) {
      const [lon, lat] = i % 2 === 0
        ? [13 + rng.next(), 38 + rng.next()]
        : [rng.next() * 360 - 180, rng.next() * 160 - 80];
      const unit = ["m", "km", "ft", "mi"][i % 4];
      const scale = { m: 1, km: 0.001, ft: 3.28, mi: 0.00062 }[unit]!;
      const radius = String((i % 3 === 0 ? 50_000 : 2_000_000) * scale * rng.next());
      const o = [...opts[i % opts.length], ...withs[i % withs.length]];
      const center = ["FROMLONLAT", String(lon), String(lat)];
      const sorted = o.includes("ASC") || o.includes("DESC") || o.includes("COUNT");
      const check = sorted ? same : sameSorted;
      if (o.includes("ANY") || o.length > 1) {
        await same("GEOSEARCH", "g", ...center, "BYRADIUS", radius, unit, ...o);
      } else await check("GEOSEARCH", "g", ...center, "BYRADIUS", radius, unit, ...o);
      await same(
        "GEOSEARCH",
        "g",
        ...center,
        "BYBOX",
        radius,
        String(Number(radius) / 2),
        unit,
        ...o,
      );
      await same("GEOSEARCH", "g", "FROMMEMBER", points[i][2], "BYRADIUS", radius, unit, ...o);
      await same("GEORADIUS", "g", String(lon), String(lat), radius, unit, ...o);
      await same("GEORADIUSBYMEMBER_RO", "g", points[i * 3][2], radius, unit, ...o);
      await same("GEOSEARCHSTORE", "dst", "g", ...center, "BYRADIUS", radius, unit, ...opts[i % 4]);
      await sameScores("ZRANGE", "dst", "0", "-1", "WITHSCORES");
      await same(
        "GEOSEARCHSTORE",
        "dst",
        "g",
        ...center,
        "BYBOX",
        radius,
        radius,
        unit,
        "STOREDIST",
      );
      await sameScores("ZRANGE", "dst", "0", "-1", "WITHSCORES");
      await same("GEORADIUS", "g", String(lon), String(lat), radius, unit, "STOREDIST", "dst2");
      await sameScores("ZRANGE", "dst2", "0", "-1", "WITHSCORES");
    }
  });

  test("GEOADD options and errors", async () => {
    if (skip()) return;
    await same("DEL", "g2");
    await same("GEOADD", "g2", "NX", "1", "2", "a", "3", "4", "b");
    await same("GEOADD", "g2", "XX", "CH", "5", "6", "a", "7", "8", "c");
    await same("GEOADD", "g2", "CH", "5", "6", "a", "9", "9", "b", "1", "1", "d");
    await same("ZRANGE", "g2", "0", "-1", "WITHSCORES");
    for (
      const argv of [
        ["GEOADD", "g2", "200", "100", "x"],
        ["GEOADD", "g2", "NX", "XX", "1", "2", "x"],
        ["GEOADD", "g2", "1", "2", "x", "3"],
        ["GEOADD", "g2", "abc", "2", "x"],
        ["GEORADIUS", "g2", "1", "2", "-1", "km"],
        ["GEORADIUS", "g2", "1", "2", "1", "parsec"],
        ["GEORADIUS", "g2", "1", "2", "1", "km", "STORE", "x", "WITHDIST"],
        ["GEORADIUS_RO", "g2", "1", "2", "1", "km", "STORE", "x"],
        ["GEOSEARCH", "g2", "FROMLONLAT", "1", "2", "BYBOX", "1", "1", "km", "FROMMEMBER", "a"],
        ["GEOSEARCH", "g2", "FROMLONLAT", "1", "2", "COUNT", "2", "ASC"],
        ["GEOSEARCH", "g2", "BYRADIUS", "1", "km", "ASC", "DESC"],
        ["GEOSEARCH", "g2", "FROMLONLAT", "1", "2", "BYRADIUS", "1", "km", "COUNT", "0"],
        ["GEOSEARCH", "g2", "FROMLONLAT", "1", "2", "BYRADIUS", "1", "km", "ANY"],
        ["GEOSEARCH", "g2", "FROMMEMBER", "nope", "BYRADIUS", "1", "km"],
        ["GEOSEARCH", "g2", "FROMLONLAT", "1", "2", "BYRADIUS", "abc", "km"],
        ["GEOSEARCH", "g2", "FROMLONLAT", "1", "2", "BYBOX", "1", "-1", "km"],
        ["GEOSEARCHSTORE", "d", "g2", "FROMLONLAT", "1", "2", "BYRADIUS", "1", "km", "WITHCOORD"],
        ["GEOSEARCH", "missing", "FROMMEMBER", "x", "BYRADIUS", "1", "km"],
        ["GEOSEARCHSTORE", "g2", "missing", "FROMLONLAT", "1", "2", "BYRADIUS", "1", "km"],
        ["EXISTS", "g2"],
        ["GEODIST", "g", "p1", "p2", "parsec"],
        ["GEODIST", "g", "p1", "p2", "km", "x"],
        ["GEOPOS", "s", "x"],
      ]
    ) await same(...argv);
  });
});

describe("sort vs redis-server", () => {
  test("lists, zsets and sets, every option", async () => {
    if (skip()) return;
    const rng = new Rng(5);
    await same("DEL", "l", "z", "st");
    for (let i = 0; i < 40; i++) {
      const w = i % 5 === 0 ? String(rng.int(0, 1000)) : String(rng.next() * 100);
      await same("RPUSH", "l", String(i));
      await same("ZADD", "z", String(rng.int(0, 50)), `m${i}`);
      await same("SADD", "st", String(i * 3));
      await same("SET", `w_${i}`, w);
      await same("SET", `w_m${i}`, String(40 - i));
      await same("HSET", `o_${i}`, "f", String(i % 7), "name", `n${i}`);
    }
    const variants = [
      [],
      ["DESC"],
      ["ALPHA"],
      ["ALPHA", "DESC", "LIMIT", "3", "5"],
      ["LIMIT", "0", "10"],
      ["LIMIT", "-5", "3"],
      ["LIMIT", "100", "3"],
      ["BY", "w_*"],
      ["BY", "w_*", "DESC", "LIMIT", "2", "6"],
      ["BY", "o_*->f"],
      ["BY", "o_*->f", "ALPHA", "GET", "#", "GET", "o_*->name"],
      ["BY", "nosort"],
      ["BY", "nosort", "DESC"],
      ["BY", "nosort", "LIMIT", "5", "5"],
      ["BY", "nosort", "DESC", "LIMIT", "5", "5"],
      ["GET", "w_*", "GET", "#", "GET", "nokey_*"],
      ["BY", "missing_*", "GET", "#"],
      ["BY", "w_*", "ALPHA"],
    ];
    for (const key of ["l", "z"]) {
      for (const v of variants) {
        // Zset members have no o_*/missing_* weights: all ties, left in hash order by Redis.
        const ties = key === "z" && v.some((a) => a.startsWith("o_") || a.startsWith("missing_"));
        const check = ties ? sameSorted : same;
        await check("SORT", key, ...v);
        await check("SORT_RO", key, ...v);
        await same("SORT", key, ...v, "STORE", "out");
        await check("LRANGE", "out", "0", "-1");
      }
    }
    for (
      const v of variants.filter((v) => !v.includes("nosort") && !v.some((a) => a === "LIMIT"))
    ) {
      if (v.includes("GET") || v.includes("BY") && v[1].startsWith("missing")) {
        await sameSorted(
          "SORT",
          "st",
          ...v,
        );
      } else await same("SORT", "st", ...v);
    }
    await same("SORT", "st", "BY", "nosort", "STORE", "out");
    await same("LRANGE", "out", "0", "-1");
  });

  test("weights, errors, STORE edge cases", async () => {
    if (skip()) return;
    await same("DEL", "b", "out");
    await same("RPUSH", "b", "1", "x", "2");
    await same("SORT", "b");
    await same("SORT", "b", "ALPHA");
    await same("SET", "bw_1", " 5");
    await same("SET", "bw_x", "");
    await same("SET", "bw_2", "0x10");
    await same("SORT", "b", "BY", "bw_*");
    await same("SET", "bw_2", "inf");
    await same("SORT", "b", "BY", "bw_*", "DESC");
    // Last: Redis never clears errno before strtod, so after an overflow later sorts in
    // the same process may fail too.
    await same("SET", "bw_2", "1e400");
    await same("SORT", "b", "BY", "bw_*");
    await same("SORT", "b", "LIMIT", "1");
    await same("SORT", "b", "LIMIT", "a", "1");
    await same("SORT", "b", "FOO");
    await same("SORT_RO", "b", "STORE", "out");
    await same("SET", "str", "x");
    await same("SORT", "str");
    await same("SORT", "nokey", "STORE", "out");
    await same("EXISTS", "out");
    await same("RPUSH", "out", "old");
    await same("SORT", "nokey", "STORE", "out");
    await same("EXISTS", "out");
    await same("COMMAND", "GETKEYS", "SORT", "abc", "STORE", "def");
    await same(
      "COMMAND",
      "GETKEYS",
      "SORT",
      "abc",
      "STORE",
      "invalid",
      "STORE",
      "stillbad",
      "STORE",
      "def",
    );
    await same("COMMAND", "GETKEYS", "SORT_RO", "abc");
  });
});
