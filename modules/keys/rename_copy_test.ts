import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { type KeysFixture, keysFixture, type ToyList } from "./testing.ts";

let fx: KeysFixture;
beforeEach(async () => {
  fx = await keysFixture();
});
afterEach(() => fx.close());

const call = (...args: (string | number)[]) => fx.modis.call(...args);
const db = (i = 0) => fx.modis.server.db(i);

describe("RENAME / RENAMENX", () => {
  test("moves the value and its TTL, events rename_from then rename_to", async () => {
    fx.put("a", "v", { ttlMs: 100_000 });
    expect(await call("RENAME", "a", "b")).toBe("OK");
    expect(await call("EXISTS", "a")).toBe(0);
    expect(db().peek("b")).toBe("v");
    expect(await call("PTTL", "b")).toBeGreaterThan(90_000);
    expect(fx.events).toEqual(["rename_from:a@0", "rename_to:b@0", "keymiss:a@0"]);
  });

  test("overwrites the destination and drops the destination's TTL", async () => {
    fx.put("a", "new");
    fx.put("b", "old", { ttlMs: 100_000 });
    expect(await call("RENAME", "a", "b")).toBe("OK");
    expect(db().peek("b")).toBe("new");
    expect(await call("TTL", "b")).toBe(-1);
  });

  test("missing source is an error, even onto itself", async () => {
    await expect(call("RENAME", "nope", "x")).rejects.toThrow("ERR no such key");
    await expect(call("RENAME", "nope", "nope")).rejects.toThrow("ERR no such key");
    await expect(call("RENAMENX", "nope", "x")).rejects.toThrow("ERR no such key");
  });

  test("same key: OK for RENAME, 0 for RENAMENX, no event", async () => {
    fx.put("k", "v");
    expect(await call("RENAME", "k", "k")).toBe("OK");
    expect(await call("RENAMENX", "k", "k")).toBe(0);
    expect(fx.events).toEqual([]);
    expect(db().peek("k")).toBe("v");
  });

  test("RENAMENX refuses an existing destination", async () => {
    fx.put("a", "1");
    fx.put("b", "2");
    expect(await call("RENAMENX", "a", "b")).toBe(0);
    expect(await call("RENAMENX", "a", "c")).toBe(1);
    expect(db().peek("c")).toBe("1");
  });

  test("an expired destination counts as absent for RENAMENX", async () => {
    fx.put("a", "1");
    fx.put("b", "2", { ttlMs: -1 });
    expect(await call("RENAMENX", "a", "b")).toBe(1);
    expect(await call("TTL", "b")).toBe(-1);
  });
});

describe("MOVE", () => {
  test("moves value and TTL to another db", async () => {
    fx.put("k", "v", { ttlMs: 50_000 });
    expect(await call("MOVE", "k", 3)).toBe(1);
    expect(db(0).peek("k")).toBeUndefined();
    expect(db(3).peek("k")).toBe("v");
    expect(db(3).getExpire("k")).toBeGreaterThan(Date.now());
    expect(fx.events).toEqual(["move_from:k@0", "move_to:k@3"]);
  });

  test("no TTL is created when there was none", async () => {
    fx.put("k", "v");
    await call("MOVE", "k", 1);
    expect(db(1).getExpire("k")).toBe(-1);
  });

  test("0 when missing or when the target has the key", async () => {
    expect(await call("MOVE", "k", 1)).toBe(0);
    fx.put("k", "here");
    fx.put("k", "there", { db: 1 });
    expect(await call("MOVE", "k", 1)).toBe(0);
    expect(db(0).peek("k")).toBe("here");
  });

  test("errors: same db, bad index", async () => {
    fx.put("k", "v");
    await expect(call("MOVE", "k", 0)).rejects.toThrow(
      "ERR source and destination objects are the same",
    );
    await expect(call("MOVE", "k", 16)).rejects.toThrow("ERR DB index is out of range");
    await expect(call("MOVE", "k", -1)).rejects.toThrow("ERR DB index is out of range");
    await expect(call("MOVE", "k", "x")).rejects.toThrow(
      "ERR value is not an integer or out of range",
    );
    await expect(call("MOVE", "k", "4294967296")).rejects.toThrow("ERR value is out of range");
  });
});

describe("COPY", () => {
  test("copies a collection deeply, with its TTL", async () => {
    fx.put("src", ["a", "b"], { ttlMs: 60_000 });
    expect(await call("COPY", "src", "dst")).toBe(1);
    const src = db().peek("src") as ToyList;
    const dst = db().peek("dst") as ToyList;
    expect(dst.items).toEqual(["a", "b"]);
    expect(dst).not.toBe(src);
    src.items.push("c");
    expect(dst.items).toEqual(["a", "b"]);
    expect(db().getExpire("dst")).toBe(db().getExpire("src"));
    expect(fx.events).toEqual(["copy_to:dst@0"]);
  });

  test("does not replace without REPLACE; replaces with it", async () => {
    fx.put("a", "1");
    fx.put("b", "2", { ttlMs: 10_000 });
    expect(await call("COPY", "a", "b")).toBe(0);
    expect(await call("COPY", "a", "b", "replace")).toBe(1);
    expect(db().peek("b")).toBe("1");
    expect(db().getExpire("b")).toBe(-1);
  });

  test("DB option, same-object error, syntax errors", async () => {
    fx.put("a", "1");
    expect(await call("COPY", "a", "a", "DB", 2)).toBe(1);
    expect(db(2).peek("a")).toBe("1");
    expect(fx.events).toEqual(["copy_to:a@2"]);
    await expect(call("COPY", "a", "a")).rejects.toThrow(
      "ERR source and destination objects are the same",
    );
    await expect(call("COPY", "a", "a", "DB", 0)).rejects.toThrow(
      "ERR source and destination objects are the same",
    );
    await expect(call("COPY", "a", "b", "DB")).rejects.toThrow("ERR syntax error");
    await expect(call("COPY", "a", "b", "foo")).rejects.toThrow("ERR syntax error");
    await expect(call("COPY", "a", "b", "DB", "notanumber")).rejects.toThrow(
      "ERR value is not an integer or out of range",
    );
    await expect(call("COPY", "a", "b", "DB", 99)).rejects.toThrow("ERR DB index is out of range");
  });

  test("a raw-encoded string stays raw through RENAME, MOVE and COPY", async () => {
    fx.put("k", "123");
    db().markRaw("k");
    await call("RENAME", "k", "r");
    expect(await call("OBJECT", "ENCODING", "r")).toBe("raw");
    await call("COPY", "r", "c");
    expect(await call("OBJECT", "ENCODING", "c")).toBe("raw");
    await call("MOVE", "c", 2);
    expect(db(2).objectEncoding("c")).toBe("raw");
    fx.put("plain", "123");
    await call("COPY", "plain", "p2");
    expect(await call("OBJECT", "ENCODING", "p2")).toBe("int");
  });

  test("missing source answers 0", async () => {
    expect(await call("COPY", "nope", "b")).toBe(0);
    expect(await call("EXISTS", "b")).toBe(0);
  });
});
