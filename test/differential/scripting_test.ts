/**
 * Scripting, differential: the same scripts sent to redis-server and to Modis, replies and
 * error texts compared exactly (after normalizing nothing: script names are SHA-1s of the
 * same bodies, so they match too). Scripted cases cover reply conversion both ways in
 * RESP2 and RESP3, redis.* helpers, error tables and positions, read-only runs, shebang
 * flags, and the FUNCTION family.
 *
 * The reference is redis-server 7.0.15 while Modis targets 7.4; cases where the versions
 * differ are left out: 7.4 has os.clock (7.0 has no `os` at all) and words a bad redis.log
 * level "Invalid log level." (7.0: "Invalid debug level.").
 */

import { describe, expect, test } from "bun:test";
import { usePair } from "./pair.ts";

const CASES: (string | number)[][] = [
  ["EVAL", "return 1.9", 0],
  ["EVAL", "return -1.9", 0],
  ["EVAL", "return {1,2,3,'x',{4,{5}},true,false,6}", 0],
  ["EVAL", "return {1,nil,3}", 0],
  ["EVAL", "return true", 0],
  ["EVAL", "return false", 0],
  ["EVAL", "return nil", 0],
  ["EVAL", "return {ok='x\\r\\ny'}", 0],
  ["EVAL", "return {err='BAD thing'}", 0],
  ["EVAL", "return {err='noCode'}", 0],
  ["EVAL", "return redis.error_reply('x')", 0],
  ["EVAL", "return redis.error_reply('-ERR y')", 0],
  ["EVAL", "return redis.error_reply(1)", 0],
  ["EVAL", "return redis.status_reply('PONG')", 0],
  ["EVAL", "return redis.sha1hex('hello')", 0],
  ["EVAL", "return redis.sha1hex(123)", 0],
  ["EVAL", "return redis.REDIS_VERSION_NUM > 0", 0],
  ["EVAL", "return {KEYS[1], KEYS[2], ARGV[1], #ARGV}", 2, "a", "b", "c", "d"],
  ["EVAL", "redis.call('SET', KEYS[1], 42) return redis.call('INCRBY', KEYS[1], 1.0)", 1, "dk"],
  ["EVAL", "return redis.call('SET', 'dk', 3.5)", 0],
  ["EVAL", "return redis.call('GET', 'dk')", 0],
  ["EVAL", "return redis.call('HSET', 'dh', 'a', 1, 'b', 2)", 0],
  ["EVAL", "return redis.call('HGETALL', 'dh')", 0],
  ["EVAL", "redis.setresp(3) return redis.call('HGETALL', 'dh')", 0],
  ["EVAL", "redis.setresp(3) return redis.call('GET', 'nokey')", 0],
  ["EVAL", "redis.setresp(3) return redis.call('GET', 'nokey') == nil", 0],
  ["EVAL", "return redis.call('GET', 'nokey') == false", 0],
  ["EVAL", "redis.setresp(3) return {double=1.5}", 0],
  ["EVAL", "redis.setresp(3) return true", 0],
  ["EVAL", "redis.setresp(3) return false", 0],
  ["EVAL", "return {double=2.5}", 0],
  ["EVAL", "return {map={a=1}}", 0],
  ["EVAL", "return {set={a=true}}", 0],
  ["EVAL", "return redis.call('INCR', 'dh')", 0],
  ["EVAL", "return redis.pcall('INCR', 'dh')", 0],
  ["EVAL", "local r = redis.pcall('INCR', 'dh') return r.err", 0],
  ["EVAL", "return pcall(redis.call, 'INCR', 'dh')", 0],
  ["EVAL", "local ok, e = pcall(redis.call, 'INCR', 'dh') return e", 0],
  ["EVAL", "return redis.call('NOSUCH')", 0],
  ["EVAL", "return redis.call('GET')", 0],
  ["EVAL", "return redis.call('EVAL', 'return 1', 0)", 0],
  ["EVAL", "return redis.call()", 0],
  ["EVAL", "return redis.call({})", 0],
  ["EVAL", "return redis.setresp(4)", 0],
  ["EVAL", "return redis.set_repl(12)", 0],
  ["EVAL", "error('boom')", 0],
  ["EVAL", "error({err='CUSTOM failure'})", 0],
  ["EVAL", "\n\nlocal a = nil + 1", 0],
  ["EVAL", "return undefined_global", 0],
  ["EVAL", "x = 1", 0],
  ["EVAL", "return 1 +", 0],
  ["EVAL", "return table.concat({'a','b'}, '-') .. string.format('%05.1f', 3.14159)", 0],
  ["EVAL", "return cjson.encode({a={1,2,3}})", 0],
  ["EVAL", "return cjson.decode('[1,2,{\"x\":3}]')[3].x", 0],
  ["EVAL", "return struct.pack('>I2', 258)", 0],
  ["EVAL", "return cmsgpack.unpack(cmsgpack.pack({1,2,3}))", 0],
  ["EVAL", "return bit.band(0xff, 0x0f)", 0],
  ["EVAL", "return loadfile", 0],
  ["EVAL_RO", "return redis.call('SET', 'x', 1)", 0],
  ["EVAL_RO", "return redis.call('GET', 'dk')", 0],
  ["EVAL_RO", "#!lua\nreturn 1", 0],
  ["EVAL", "#!lua flags=no-writes\nreturn redis.call('SET', 'x', 1)", 0],
  ["EVAL", "#!lua flags=no-writes,allow-oom\nreturn redis.call('GET', 'dk')", 0],
  ["EVAL", "#!lua flags=bogus\nreturn 1", 0],
  ["EVAL", "#!lua engine=x\nreturn 1", 0],
  ["EVAL", "#!python\nreturn 1", 0],
  ["EVAL", "#!lua", 0],
  ["EVAL", "return 1", -1],
  ["EVAL", "return 1", "x"],
  ["EVALSHA", "abc", 0],
  ["SCRIPT", "LOAD", "return 'loaded'"],
  ["EVALSHA", "2c4a6b5ea0e6e6d0a34e9f4ff51b2f2dbfe7d1e6", 0],
  ["SCRIPT", "FLUSH", "bogus"],
  ["FUNCTION", "FLUSH"],
  [
    "FUNCTION",
    "LOAD",
    "#!lua name=dl\nredis.register_function('df', function(k, a) return {k[1], a[1]} end)",
  ],
  ["FUNCTION", "LOAD", "#!lua name=dl\nredis.register_function('df', function() end)"],
  ["FUNCTION", "LOAD", "#!lua name=dl2\nredis.register_function('df', function() end)"],
  [
    "FUNCTION",
    "LOAD",
    "#!lua name=dl3\nredis.register_function{function_name='dro', callback=function() return 1 end, flags={'no-writes'}, description='d'}",
  ],
  ["FUNCTION", "LOAD", "#!lua name=bad-name\nredis.register_function('x', function() end)"],
  ["FUNCTION", "LOAD", "#!lua\nredis.register_function('x', function() end)"],
  ["FUNCTION", "LOAD", "#!lua name=nofn\nlocal a = 1"],
  ["FUNCTION", "LOAD", "#!lua name=e1\nredis.call('ping')"],
  ["FUNCTION", "LOAD", "#!lua name=e2\nredis.register_function('f', 1)"],
  [
    "FUNCTION",
    "LOAD",
    "#!lua name=e3\nredis.register_function{function_name='g', callback=function() end, flags={'nope'}}",
  ],
  ["FUNCTION", "LOAD", "#!lua name=e4\nlocal x ="],
  ["FUNCTION", "LOAD", "#!notlua name=e5\nredis.register_function('f', function() end)"],
  ["FCALL", "df", 1, "key", "arg"],
  ["FCALL", "DF", 0],
  ["FCALL", "nosuch", 0],
  ["FCALL", "df", "x"],
  ["FCALL_RO", "df", 0],
  ["FCALL_RO", "dro", 0],
  ["FUNCTION", "LIST"],
  ["FUNCTION", "LIST", "LIBRARYNAME", "dl*", "WITHCODE"],
  ["FUNCTION", "LIST", "bogus"],
  ["FUNCTION", "DELETE", "nosuch"],
  ["FUNCTION", "DELETE", "dl3"],
  ["FUNCTION", "RESTORE", "garbage"],
  ["FUNCTION", "STATS"],
];

/** An array reply sorted by each element's JSON (for replies whose order is unspecified). */
function sortedByJson(reply: unknown): unknown {
  if (!Array.isArray(reply)) return reply;
  return [...reply].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

describe("scripting: Modis vs redis-server", () => {
  const pair = usePair();
  test("replies and error texts match", async () => {
    const p = pair();
    if (p === null) {
      console.warn("SKIP: redis-server not installed");
      return;
    }
    await p.both("FLUSHALL");
    const mismatches: string[] = [];
    for (const argv of CASES) {
      let [ref, got] = await p.both(...argv);
      // FUNCTION LIST walks a hash table: the order of libraries is unspecified in Redis.
      if (argv[0] === "FUNCTION" && argv[1] === "LIST") {
        [ref, got] = [sortedByJson(ref), sortedByJson(got)];
      }
      if (!Bun.deepEquals(ref, got, true)) {
        mismatches.push(
          `${JSON.stringify(argv)}\n  redis: ${JSON.stringify(ref)}\n  modis: ${
            JSON.stringify(got)
          }`,
        );
      }
    }
    for (const proto of ["3", "2"]) {
      await p.both("HELLO", proto);
      for (const argv of CASES.slice(0, 35)) {
        const [ref, got] = await p.both(...argv);
        if (!Bun.deepEquals(ref, got, true)) {
          mismatches.push(
            `RESP${proto} ${JSON.stringify(argv)}\n  redis: ${JSON.stringify(ref)}\n  modis: ${
              JSON.stringify(got)
            }`,
          );
        }
      }
    }
    expect(mismatches.join("\n")).toBe("");
  });
});
