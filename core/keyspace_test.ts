import { describe, expect, test } from "bun:test";
import { Db, type DbHost, type KeyAccess } from "./keyspace.ts";
import { ReplyError } from "./errors.ts";
import type { TypeSpec } from "./spec.ts";

function fakeHost(now: { ms: number }) {
  const events: string[] = [];
  const host: DbHost = {
    now: () => now.ms,
    notify: (cls, event, key) => events.push(`${cls}:${event}:${key}`),
    keyModified: (_db, key) => events.push(`modified:${key}`),
    expired: (_db, key) => events.push(`expired:${key}`),
    swapped: (a, b) => events.push(`swapped:${a.index}:${b.index}`),
    notifyNewKeys: false,
    hit: () => {},
    touches: () => true,
    expiresOnAccess: () => true,
    watchingWrites: false,
    beforeWrite: () => {},
    keyAccess: null,
  };
  return { host, events };
}

const listType: TypeSpec<{ type: TypeSpec }> = {
  name: "list",
  encoding: () => "quicklist",
  copy: (v) => v,
};

describe("Db", () => {
  test("lazy expiry on access uses the command time snapshot", () => {
    const now = { ms: 1_000_000 };
    const { host, events } = fakeHost(now);
    const db = new Db(0, host);
    db.add("k", "v");
    db.setExpire("k", now.ms + 100);
    expect(db.lookup("k")).toBe("v");
    now.ms += 100;
    expect(db.lookup("k")).toBeUndefined();
    expect(events).toContain("expired:k");
    expect(db.size).toBe(0);
    expect(db.volatileCount).toBe(0);
  });

  test("setKey clears the TTL unless keepTtl", () => {
    const now = { ms: 5000 };
    const db = new Db(0, fakeHost(now).host);
    db.add("k", "v");
    db.setExpire("k", 9000);
    db.setKey("k", "w", true);
    expect(db.getExpire("k")).toBe(9000);
    db.setKey("k", "x");
    expect(db.getExpire("k")).toBe(-1);
  });

  test("WRONGTYPE on typed lookups", () => {
    const db = new Db(0, fakeHost({ ms: 0 }).host);
    db.add("l", { type: listType });
    expect(() => db.lookupRead("l", { name: "string", encoding: () => "", copy: (v) => v }))
      .toThrow(ReplyError);
    expect(db.lookupWrite("l", listType)).toBeDefined();
  });

  test("active expiry reclaims keys nobody reads", () => {
    const now = { ms: Date.now() };
    const db = new Db(0, fakeHost(now).host);
    for (let i = 0; i < 10000; i++) {
      db.add(`k${i}`, "v");
      db.setExpire(`k${i}`, Date.now() - 1);
    }
    for (let i = 0; i < 100; i++) db.add(`keep${i}`, "v");
    let rounds = 0;
    while (db.volatileCount > 0 && rounds++ < 1000) db.activeExpire(performance.now() + 5, 20);
    expect(db.volatileCount).toBe(0);
    expect(db.size).toBe(100);
  });

  test("randomKey skips expired keys", () => {
    const now = { ms: 1000 };
    const db = new Db(0, fakeHost(now).host);
    db.add("dead", "v");
    db.setExpire("dead", 500);
    db.add("alive", "v");
    for (let i = 0; i < 20; i++) expect(db.randomKey()).toBe("alive");
  });

  test('key creations are "new" events only when the host asks', () => {
    const { host, events } = fakeHost({ ms: 0 });
    const db = new Db(0, host);
    db.add("a", "1");
    expect(events).toEqual([]);
    (host as { notifyNewKeys: boolean }).notifyNewKeys = true;
    db.add("b", "1");
    db.setKey("c", "1");
    db.setKey("c", "2");
    expect(events).toEqual(["n:new:b", "n:new:c", "modified:c", "modified:c"]);
  });

  test("swapWith exchanges contents and tells the host", () => {
    const { host: h, events } = fakeHost({ ms: 0 });
    const a = new Db(0, h);
    const b = new Db(1, h);
    a.add("x", "1");
    a.swapWith(b);
    expect(a.size).toBe(0);
    expect(b.peek("x")).toBe("1");
    expect(events).toEqual(["swapped:0:1"]);
  });

  test("a KeyAccess installed on the host keeps the access word instead of the clock", () => {
    const { host } = fakeHost({ ms: 0 });
    const counting: KeyAccess = {
      created: () => 5,
      touched: (word) => word + 1,
      frequency: (word) => word,
      fromFrequency: (freq) => freq,
    };
    (host as { keyAccess: KeyAccess | null }).keyAccess = counting;
    const db = new Db(0, host);
    db.add("k", "v");
    expect(db.accessWord("k")).toBe(5);
    db.lookup("k");
    db.lookupWrite("k");
    expect(db.accessWord("k")).toBe(7);
    db.markRaw("k");
    db.setKey("k", "w"); // an overwrite keeps (and bumps) the word
    expect(db.accessWord("k")).toBe(8);
    db.setAccessWord("k", 200);
    expect(db.accessWord("k")).toBe(200);
    expect(db.accessWord("missing")).toBe(-1);
  });
});
