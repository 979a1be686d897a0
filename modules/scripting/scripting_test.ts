import { describe, expect, test } from "bun:test";
import { createServer } from "../../mod.ts";
import { LuaReplyBuilder, writeLuaReply } from "./lua_reply.ts";
import { dumpFunctions, restoreCodes } from "./function_dump.ts";
import { scriptingOf } from "./state.ts";
import { parseScriptHeader } from "./shebang.ts";
import { LuaTable } from "./lua/mod.ts";
import { ValueBuilder } from "../../core/resp/value_builder.ts";

async function server() {
  const m = createServer({ log: false });
  await m.ready;
  return m;
}

const LIB =
  "#!lua name=t\nredis.register_function('f', function(k, a) return redis.call('SET', k[1], a[1]) end)";

describe("scripting module", () => {
  test("a script's writes propagate as one MULTI/EXEC unit", async () => {
    const m = await server();
    const seen: string[] = [];
    await m.server.loadModule({
      name: "rec",
      hooks: { propagated: (_db, argv) => seen.push(argv.join(" ")) },
    });
    await m.call("EVAL", "redis.call('SET', 'a', '1') redis.call('INCR', 'a') return 1", 0);
    expect(seen).toEqual(["MULTI", "SET a 1", "INCR a", "EXEC"]);
    seen.length = 0;
    await m.call("EVAL", "return redis.call('GET', 'a')", 0);
    expect(seen).toEqual([]);
    await m.call("SCRIPT", "LOAD", "return 1");
    expect(seen).toEqual(["SCRIPT LOAD return 1"]);
    await m.close();
  });

  test("redis.set_repl picks where the following writes propagate", async () => {
    const m = await server();
    const seen: string[] = [];
    await m.server.loadModule({
      name: "rec",
      hooks: { propagated: (_db, argv, _s, targets) => seen.push(`${targets}:${argv.join(" ")}`) },
    });
    await m.call(
      "EVAL",
      `redis.call('SET', 'a', '1')
       redis.set_repl(redis.REPL_NONE) redis.call('SET', 'b', '2')
       redis.set_repl(redis.REPL_AOF) redis.call('SET', 'c', '3')
       redis.set_repl(redis.REPL_REPLICA) redis.call('SET', 'd', '4')
       redis.set_repl(redis.REPL_ALL) redis.call('SET', 'e', '5')`,
      0,
    );
    expect(seen).toEqual(["3:MULTI", "3:SET a 1", "1:SET c 3", "2:SET d 4", "3:SET e 5", "3:EXEC"]);
    expect(await m.call("MGET", "a", "b", "c", "d", "e")).toEqual(["1", "2", "3", "4", "5"]);
    // The next script starts with REPL_ALL again.
    seen.length = 0;
    await m.call("EVAL", "redis.call('SET', 'f', '6')", 0);
    expect(seen).toEqual(["3:SET f 6"]);
    await expect(m.call("EVAL", "redis.set_repl(12)", 0)).rejects.toThrow(
      "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.",
    );
    await m.close();
  });

  test("the AOF skips what a script sends to replicas only, and PUBLISH", async () => {
    const dir = new TextDecoder().decode(Bun.spawnSync(["mktemp", "-d"]).stdout).trim();
    const config = { dir, save: "", appendonly: "yes" };
    const m = createServer({ log: false, config });
    await m.ready;
    const rewriting = async () =>
      String(await m.call("INFO", "persistence")).includes("aof_rewrite_in_progress:1");
    for (let i = 0; i < 200 && await rewriting(); i++) await Bun.sleep(5);
    await m.call(
      "EVAL",
      `redis.call('SET', 'all', '1')
       redis.set_repl(redis.REPL_REPLICA) redis.call('SET', 'replica', '2')
       redis.set_repl(redis.REPL_AOF) redis.call('SET', 'aof', '3')`,
      0,
    );
    await m.call("PUBLISH", "news", "hello");
    await m.close();
    const logged = Bun.spawnSync(["sh", "-c", `cat ${dir}/appendonlydir/*.incr.aof`]).stdout;
    const text = new TextDecoder().decode(logged);
    expect(text).toContain("aof");
    expect(text).not.toContain("replica");
    expect(text).not.toContain("PUBLISH");
    const m2 = createServer({ log: false, config });
    await m2.ready;
    expect(await m2.call("MGET", "all", "replica", "aof")).toEqual(["1", null, "3"]);
    await m2.close();
    Bun.spawnSync(["rm", "-rf", dir]);
  });

  test("over maxmemory, a script without a shebang has its first denyoom call refused", async () => {
    const m = await server();
    await m.call("SET", "x", "123");
    await m.call("CONFIG", "SET", "maxmemory", "1");
    await m.call("CONFIG", "RESETSTAT");
    const oom = "OOM command not allowed when used memory > 'maxmemory'.";
    await expect(m.call("EVAL", "redis.call('set', 'x', 1) return 1", 1, "x")).rejects.toThrow(
      oom + " script: ",
    );
    const info = String(await m.call("INFO", "all"));
    expect(info).toContain("errorstat_OOM:count=1");
    expect(info).toContain("total_error_replies:1");
    expect(info).toMatch(/cmdstat_set:calls=0,.*rejected_calls=1,failed_calls=0/);
    expect(info).toMatch(/cmdstat_eval:calls=1,.*rejected_calls=0,failed_calls=1/);
    expect(await m.call("EVAL", "return redis.call('get', 'x')", 1, "x")).toBe("123");
    // A refusal caught by pcall is the refused command's failure, not the script's.
    await m.call("CONFIG", "RESETSTAT");
    expect(
      await m.call("EVAL", "local t = redis.pcall('set', 'x', 'y') return t['err']", 1, "x"),
    ).toBe(oom);
    let stats = String(await m.call("INFO", "all"));
    expect(stats).toMatch(/cmdstat_set:calls=0,.*rejected_calls=1,failed_calls=0/);
    expect(stats).toMatch(/cmdstat_eval:calls=1,.*rejected_calls=0,failed_calls=0/);
    // Returned as the script's reply, it is the script's failure (counted once).
    await m.call("CONFIG", "RESETSTAT");
    await expect(m.call("EVAL", "return redis.pcall('set', 'x', 'y')", 1, "x")).rejects.toThrow(
      oom,
    );
    stats = String(await m.call("INFO", "all"));
    expect(stats).toContain("errorstat_OOM:count=1");
    expect(stats).toContain("total_error_replies:1");
    expect(stats).toMatch(/cmdstat_eval:calls=1,.*rejected_calls=0,failed_calls=1/);
    expect(
      await m.call("EVAL", "#!lua flags=allow-oom\nredis.call('set', 'x', 1) return 1", 1, "x"),
    )
      .toBe(1);
    await m.call("CONFIG", "SET", "maxmemory", "0");
    expect(await m.call("EVAL", "return redis.call('set', 'x', 2)", 1, "x")).toBe("OK");
    await m.close();
  });

  test("SORT BY a constant of a set is sorted for scripts (not hash order)", async () => {
    const m = await server();
    const members = ["z", "a", "azz", "b", "aa", "c", "aaa"];
    await m.call("SADD", "s", ...members);
    expect(await m.call("EVAL", "return redis.call('SORT', KEYS[1], 'BY', '_')", 1, "s"))
      .toEqual([...members].sort());
    expect(
      await m.call(
        "EVAL",
        "return redis.call('SORT', KEYS[1], 'BY', '_', 'GET', '#', 'GET', '_:*')",
        1,
        "s",
      ),
    ).toEqual([...members].sort().flatMap((x) => [x, null]));
    await m.close();
  });

  test("reply builder: RESP2 and RESP3 shapes", () => {
    const b = new LuaReplyBuilder();
    b.map(1);
    b.bulk("k");
    b.int(5);
    expect((b.take() as LuaTable).arr).toEqual(["k", 5]);
    b.resp = 3;
    b.map(1);
    b.bulk("k");
    b.double(1.5);
    const t = b.take() as LuaTable;
    const inner = (t.gs("map") as LuaTable).get("k") as LuaTable;
    expect(inner.gs("double")).toBe(1.5);
    b.resp = 2;
    b.null();
    expect(b.take()).toBe(false);
  });

  test("Lua values to replies: truncation, nil-terminated arrays, special tables", () => {
    const out = new ValueBuilder(2);
    writeLuaReply(out, LuaTable.fromArray([1.9, -2.5, "x", true, false, 7]), 2, () => {});
    expect(out.take()).toEqual([1, -2, "x", 1, null, 7]);
    const ok = new LuaTable();
    ok.set("ok", "a\r\nb");
    writeLuaReply(out, ok, 2, () => {});
    expect(out.take()).toBe("a  b");
    writeLuaReply(out, 0 / 0, 2, () => {});
    expect(out.take()).toBe(-9223372036854775808n);
  });

  test("FUNCTION DUMP payload round trip, and the registry's codes/restore", async () => {
    const m = await server();
    await m.call("FUNCTION", "LOAD", LIB);
    const libs = scriptingOf(m.server).libraries;
    expect(libs.codes()).toEqual([LIB]);
    expect(restoreCodes(dumpFunctions(libs.codes()))).toEqual([LIB]);
    libs.flush();
    libs.restore([LIB], "replace");
    expect(await m.call("FCALL", "F", 1, "k", "v")).toBe("OK");
    await expect(m.call("FUNCTION", "RESTORE", "x".repeat(20))).rejects.toThrow(
      "ERR DUMP payload version or checksum are wrong",
    );
    await m.close();
  });

  test("EVAL-created scripts are evicted past 500, SCRIPT LOAD ones are not", async () => {
    const m = await server();
    const loaded = await m.call("SCRIPT", "LOAD", "return 'pinned'");
    for (let i = 0; i < 510; i++) await m.call("EVAL", `return ${i}`, 0);
    const st = scriptingOf(m.server);
    expect(st.evictedScripts).toBe(10);
    expect(await m.call("SCRIPT", "EXISTS", loaded as string)).toEqual([1]);
    // INFO reports them where Redis does: memory (counts, sizes) and stats (evictions).
    const memory = String(await m.call("INFO", "memory"));
    expect(memory).toContain("number_of_cached_scripts:501\r\n");
    expect(memory).toMatch(/used_memory_scripts_eval:[1-9]\d*\r\n/);
    expect(String(await m.call("INFO", "stats"))).toContain("evicted_scripts:10\r\n");
    expect(String(await m.call("INFO", "everything"))).not.toContain("# scripting");
    await m.close();
  });

  test("shebang flags", () => {
    expect(parseScriptHeader("return 1").compat).toBe(true);
    const h = parseScriptHeader("#!lua flags=no-writes,allow-oom\nreturn 1");
    expect([...h.flags]).toEqual(["no-writes", "allow-oom"]);
    expect(() => parseScriptHeader("#!lua flags=nope\n")).toThrow(
      "Unexpected flag in script shebang: nope",
    );
  });

  test("scripts inside MULTI/EXEC run to completion", async () => {
    const m = await server();
    const s = m.server;
    const c = s.createClient(new ValueBuilder(2));
    c.denyBlocking = true;
    s.execute(c, ["MULTI"]);
    s.execute(c, ["EVAL", "local n = 0 for i = 1, 3000000 do n = n + 1 end return n", "0"]);
    const out = new ValueBuilder(2);
    c.reply = out;
    s.execute(c, ["EXEC"]);
    expect(out.take()).toEqual([3000000]);
    await m.close();
  });
});
