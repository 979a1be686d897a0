import { describe, expect, test } from "bun:test";
import { hashHarness, sleep } from "./test_util.ts";
import { expiredFieldCount, volatileHashCount } from "./field_expiry.ts";
import { activeExpireFields } from "./field_expiry.ts";

describe("HEXPIRE family", () => {
  test("reply codes, conditions and the missing key", async () => {
    const h = await hashHarness();
    expect(await h.run("HEXPIRE", "k", "100", "FIELDS", "2", "a", "b")).toEqual([-2, -2]);
    await h.run("HSET", "k", "a", "1", "b", "2", "c", "3");
    expect(await h.run("HPEXPIRE", "k", "100000", "NX", "FIELDS", "2", "a", "zz")).toEqual([1, -2]);
    expect(await h.run("HPEXPIRE", "k", "100000", "NX", "FIELDS", "2", "a", "b")).toEqual([0, 1]);
    expect(await h.run("HPEXPIRE", "k", "200000", "XX", "FIELDS", "2", "a", "c")).toEqual([1, 0]);
    expect(await h.run("HPEXPIRE", "k", "150000", "GT", "FIELDS", "3", "a", "b", "c")).toEqual([
      0,
      1,
      0,
    ]);
    expect(await h.run("HPEXPIRE", "k", "120000", "LT", "FIELDS", "3", "a", "b", "c")).toEqual([
      1,
      1,
      1,
    ]);
    expect(await h.run("OBJECT", "ENCODING", "k")).toBe("listpackex");
  });

  test("argument errors", async () => {
    const h = await hashHarness();
    await h.run("HSET", "k", "a", "1");
    expect(await h.run("HEXPIRE", "k", "-1", "FIELDS", "1", "a")).toBe(
      "ERR invalid expire time, must be >= 0",
    );
    expect(await h.run("HEXPIRE", "k", "x", "FIELDS", "1", "a")).toBe(
      "ERR value is not an integer or out of range",
    );
    expect(await h.run("HEXPIRE", "k", String(Math.floor(2 ** 48 / 1000)), "FIELDS", "1", "a"))
      .toBe(
        "ERR invalid expire time in 'hexpire' command",
      );
    expect(await h.run("HPEXPIREAT", "k", String(2 ** 46), "FIELDS", "1", "a")).toBe(
      "ERR invalid expire time in 'hpexpireat' command",
    );
    expect(await h.run("HPEXPIRE", "k", "10", "NX", "FIELDS", "0", "a")).toBe(
      "ERR Parameter `numFields` should be greater than 0",
    );
    expect(await h.run("HPEXPIRE", "k", "10", "FIELDS", "2", "a")).toBe(
      "ERR The `numfields` parameter must match the number of arguments",
    );
    expect(await h.run("HPEXPIRE", "k", "10", "BOGUS", "FIELDS", "1", "a")).toBe(
      "ERR Mandatory argument FIELDS is missing or not at the right position",
    );
    expect(await h.run("HTTL", "k", "FIELDS", "x", "a")).toBe(
      "ERR Number of fields must be a positive integer",
    );
    expect(await h.run("HPERSIST", "k", "FIELDS", "0", "a")).toBe(
      "ERR Number of fields must be a positive integer",
    );
    expect(await h.run("HTTL", "k", "FIELD", "1", "a")).toBe(
      "ERR Mandatory argument FIELDS is missing or not at the right position",
    );
  });

  test("propagates as HPEXPIREAT with only the fields set; past deadlines delete with HDEL", async () => {
    const h = await hashHarness();
    await h.run("HSET", "k", "a", "1", "b", "2", "c", "3");
    h.clear();
    const before = Date.now();
    expect(await h.run("HEXPIRE", "k", "100", "NX", "FIELDS", "3", "a", "zz", "b")).toEqual([
      1,
      -2,
      1,
    ]);
    const [cmd, key, at, ...rest] = h.propagated[0].split(" ");
    expect([cmd, key, ...rest]).toEqual(["HPEXPIREAT", "k", "NX", "FIELDS", "2", "a", "b"]);
    expect(Number(at) - before).toBeGreaterThanOrEqual(100000 - 5);
    expect(h.events).toEqual(["h:hexpire:k"]);
    h.clear();
    expect(await h.run("HEXPIRE", "k", "100", "NX", "FIELDS", "1", "a")).toEqual([0]);
    expect(h.propagated).toEqual([]);
    expect(await h.run("HPEXPIREAT", "k", "1", "FIELDS", "2", "a", "c")).toEqual([2, 2]);
    expect(h.propagated).toEqual(["HDEL k a", "HDEL k c"]);
    expect(h.events).toEqual(["h:hdel:k"]);
    h.clear();
    expect(await h.run("HPEXPIREAT", "k", "1", "FIELDS", "1", "b")).toEqual([2]);
    expect(h.events).toEqual(["h:hdel:k", "g:del:k"]);
    expect(await h.run("EXISTS", "k")).toBe(0);
  });

  test("HTTL, HPTTL, HEXPIRETIME, HPEXPIRETIME, HPERSIST", async () => {
    const h = await hashHarness();
    expect(await h.run("HTTL", "k", "FIELDS", "1", "a")).toEqual([-2]);
    expect(await h.run("HPERSIST", "k", "FIELDS", "1", "a")).toEqual([-2]);
    await h.run("HSET", "k", "a", "1", "b", "2");
    expect(await h.run("HTTL", "k", "FIELDS", "2", "a", "zz")).toEqual([-1, -2]);
    expect(await h.run("HPERSIST", "k", "FIELDS", "1", "a")).toEqual([-1]);
    await h.run("HEXPIREAT", "k", "4000000000", "FIELDS", "1", "a");
    expect(await h.run("HEXPIRETIME", "k", "FIELDS", "2", "a", "b")).toEqual([4000000000, -1]);
    expect(await h.run("HPEXPIRETIME", "k", "FIELDS", "1", "a")).toEqual([4000000000000]);
    const ttl = (await h.run("HTTL", "k", "FIELDS", "1", "a")) as number[];
    expect(Math.abs(ttl[0] - (4000000000 - Date.now() / 1000))).toBeLessThan(2);
    h.clear();
    expect(await h.run("HPERSIST", "k", "FIELDS", "2", "a", "b")).toEqual([1, -1]);
    expect(h.events).toEqual(["h:hpersist:k"]);
    expect(await h.run("HTTL", "k", "FIELDS", "1", "a")).toEqual([-1]);
  });

  test("HSET drops a field's deadline, HINCRBY keeps it", async () => {
    const h = await hashHarness();
    await h.run("HSET", "k", "a", "1", "b", "2");
    await h.run("HPEXPIRE", "k", "100000", "FIELDS", "2", "a", "b");
    await h.run("HSET", "k", "a", "5");
    await h.run("HINCRBY", "k", "b", "5");
    expect(await h.run("HTTL", "k", "FIELDS", "2", "a", "b")).toEqual([-1, 100]);
  });
});

describe("lazy field expiry", () => {
  for (const entries of [512, 0]) {
    test(`reads delete expired fields, with events and HDEL (max entries ${entries})`, async () => {
      const h = await hashHarness({ "hash-max-listpack-entries": entries });
      h.m.server.activeExpire = false;
      await h.run("HSET", "k", "a", "1", "b", "2", "c", "3", "d", "4");
      await h.run("HPEXPIRE", "k", "1", "FIELDS", "3", "a", "b", "c");
      await sleep(5);
      h.clear();
      expect(await h.run("HLEN", "k")).toBe(4);
      expect(await h.run("HGETALL", "k")).toEqual(["d", "4"]);
      expect(await h.run("HSCAN", "k", "0", "COUNT", "100")).toEqual(["0", ["d", "4"]]);
      expect(h.propagated).toEqual([]);
      expect(await h.run("HGET", "k", "a")).toBe(null);
      expect(h.propagated).toEqual(["HDEL k a"]);
      expect(h.events).toEqual(["h:hexpired:k"]);
      expect(await h.run("HLEN", "k")).toBe(3);
      h.clear();
      expect(await h.run("HMGET", "k", "b", "c", "d")).toEqual([null, null, "4"]);
      expect(h.events).toEqual(["h:hexpired:k"]);
      expect(h.propagated).toEqual(["HDEL k b", "HDEL k c"]);
      expect(expiredFieldCount(h.m.server)).toBe(3);
      await h.run("HPEXPIRE", "k", "1", "FIELDS", "1", "d");
      await sleep(5);
      h.clear();
      expect(await h.run("HINCRBY", "k", "d", "1")).toBe(1);
      expect(h.events).toEqual(["h:hexpired:k", "g:del:k", "h:hincrby:k"]);
      expect(await h.run("HTTL", "k", "FIELDS", "1", "d")).toEqual([-1]);
    });
  }

  test("HRANDFIELD deletes expired fields first", async () => {
    const h = await hashHarness();
    h.m.server.activeExpire = false;
    await h.run("HSET", "k", "a", "1", "b", "2");
    await h.run("HPEXPIRE", "k", "1", "FIELDS", "1", "a");
    await sleep(5);
    expect(await h.run("HRANDFIELD", "k", "5")).toEqual(["b"]);
    expect(await h.run("HLEN", "k")).toBe(1);
    await h.run("HPEXPIRE", "k", "1", "FIELDS", "1", "b");
    await sleep(5);
    expect(await h.run("HRANDFIELD", "k")).toBe(null);
    expect(await h.run("EXISTS", "k")).toBe(0);
  });
});

describe("active field expiry", () => {
  test("the cron deletes due fields and emptied hashes, following RENAME and MOVE", async () => {
    const h = await hashHarness();
    const server = h.m.server;
    server.stopCron();
    await h.run("HSET", "k", "a", "1", "b", "2");
    await h.run("HSET", "gone", "a", "1");
    await h.run("HPEXPIRE", "k", "1", "FIELDS", "1", "a");
    await h.run("HPEXPIRE", "gone", "1", "FIELDS", "1", "a");
    await h.run("HSET", "r", "a", "1");
    await h.run("HPEXPIRE", "r", "1", "FIELDS", "1", "a");
    await h.run("RENAME", "r", "r2");
    await h.run("HSET", "mv", "a", "1");
    await h.run("HPEXPIRE", "mv", "1", "FIELDS", "1", "a");
    await h.run("MOVE", "mv", "3");
    expect(volatileHashCount(server, 0)).toBe(3);
    await sleep(5);
    h.clear();
    activeExpireFields(server);
    expect(await h.run("HGETALL", "k")).toEqual(["b", "2"]);
    expect(await h.run("EXISTS", "gone", "r2")).toBe(0);
    expect(server.dbs[3].size).toBe(0);
    expect(h.propagated.sort()).toEqual(["HDEL gone a", "HDEL k a", "HDEL mv a", "HDEL r2 a"]);
    expect(h.events).toContain("g:del:gone");
    expect(volatileHashCount(server, 0)).toBe(0);
  });

  test("a deadline moved later is re-indexed, not expired", async () => {
    const h = await hashHarness();
    const server = h.m.server;
    server.stopCron();
    await h.run("HSET", "k", "a", "1");
    await h.run("HPEXPIRE", "k", "1", "FIELDS", "1", "a");
    await h.run("HPEXPIRE", "k", "100000", "FIELDS", "1", "a");
    await sleep(5);
    activeExpireFields(server);
    expect(await h.run("HEXISTS", "k", "a")).toBe(1);
    expect(volatileHashCount(server, 0)).toBe(1);
  });

  test("reclaims a million volatile fields in slices", async () => {
    const h = await hashHarness({ "hash-max-listpack-entries": 0 });
    const server = h.m.server;
    server.stopCron();
    const n = 20000;
    const args: string[] = [];
    for (let i = 0; i < n; i++) args.push(`f${i}`, "v");
    await h.run("HSET", "k", ...args);
    const fields = args.filter((_, i) => i % 2 === 0);
    await h.run("HPEXPIRE", "k", "1", "FIELDS", String(n), ...fields);
    await sleep(5);
    const t0 = performance.now();
    activeExpireFields(server); // one tick: quota 1000 fields at hz 10
    expect(performance.now() - t0).toBeLessThan(50);
    expect(await h.run("HLEN", "k")).toBe(n - 1000);
  });
});

describe("INFO", () => {
  test("keyspace subexpiry counts volatile hashes per db; stats expired_subkeys counts fields", async () => {
    const { createServer } = await import("../../mod.ts");
    const m = createServer({ log: false });
    await m.call("HSET", "h1", "a", "1", "b", "2");
    await m.call("HSET", "h2", "a", "1");
    await m.call("HPEXPIRE", "h1", "100000", "FIELDS", "1", "b");
    await m.call("HPEXPIRE", "h1", "1", "FIELDS", "1", "a");
    await sleep(5);
    expect(await m.call("HGET", "h1", "a")).toBeNull();
    expect(String(await m.call("INFO", "keyspace"))).toContain(
      "db0:keys=2,expires=0,avg_ttl=0,subexpiry=1\r\n",
    );
    expect(String(await m.call("INFO", "stats"))).toContain("expired_subkeys:1\r\n");
    await m.close();
  });
});
