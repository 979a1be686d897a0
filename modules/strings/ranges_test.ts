import { describe, expect, test } from "bun:test";
import { stringsHarness } from "./test_util.ts";
import { byteRange } from "./ranges.ts";
import { patchBytes, writeAt } from "./common.ts";

const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
const TOO_BIG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

describe("byte helpers", () => {
  test("byteRange follows GETRANGE's index rules", () => {
    const s = "Hello World";
    expect(byteRange(s, 0, 3)).toBe("Hell");
    expect(byteRange(s, 0, -1)).toBe(s);
    expect(byteRange(s, -4, -1)).toBe("orld");
    expect(byteRange(s, 5, 3)).toBe("");
    expect(byteRange(s, 5, 5000)).toBe(" World");
    expect(byteRange(s, -5000, 10000)).toBe(s);
    expect(byteRange(s, -1, -3)).toBe("");
    expect(byteRange(s, 20, 30)).toBe("");
    expect(byteRange("", 0, -1)).toBe("");
  });

  test("writeAt pads and overwrites", () => {
    expect(writeAt("foo", 4, "bar")).toBe("foo\0bar");
    expect(writeAt("foo", 1, "b")).toBe("fbo");
    expect(writeAt("foo", 2, "xyz")).toBe("fox" + "yz");
    expect(writeAt("", 2, "a")).toBe("\0\0a");
  });

  test("patchBytes rebuilds once with runs of changes", () => {
    expect(patchBytes("abcdef", 6, new Map([[1, 66], [2, 67], [5, 70]]))).toBe("aBCdeF");
    expect(patchBytes("ab", 4, new Map([[3, 33]]))).toBe("ab\0!");
    expect(patchBytes("ab", 2, new Map())).toBe("ab");
  });
});

describe("APPEND and STRLEN", () => {
  test("APPEND creates, extends, keeps the TTL", async () => {
    const h = await stringsHarness();
    expect(await h.run("APPEND", "k", "foo")).toBe(3);
    expect(await h.run("APPEND", "k", "bar")).toBe(6);
    expect(await h.run("GET", "k")).toBe("foobar");
    await h.run("SET", "t", "1", "EX", "100");
    const at = h.db.getExpire("t");
    await h.run("APPEND", "t", "2");
    expect(h.db.getExpire("t")).toBe(at);
    expect(h.events.slice(0, 2)).toEqual(["$:append:k", "$:append:k"]);
    h.addOther("l");
    expect(await h.run("APPEND", "l", "x")).toBe(WRONGTYPE);
  });

  test("APPEND respects proto-max-bulk-len", async () => {
    const h = await stringsHarness();
    h.m.server.settings.protoMaxBulkLen = 10;
    await h.run("SET", "k", "12345678");
    expect(await h.run("APPEND", "k", "abc")).toBe(TOO_BIG);
    expect(await h.run("APPEND", "k", "ab")).toBe(10);
  });

  test("STRLEN", async () => {
    const h = await stringsHarness();
    expect(await h.run("STRLEN", "nokey")).toBe(0);
    await h.run("SET", "k", "-555");
    expect(await h.run("STRLEN", "k")).toBe(4);
    h.addOther("l");
    expect(await h.run("STRLEN", "l")).toBe(WRONGTYPE);
  });
});

describe("GETRANGE and SUBSTR", () => {
  test("ranges", async () => {
    const h = await stringsHarness();
    await h.run("SET", "k", "abcde");
    expect(await h.run("GETRANGE", "k", "1", "-2")).toBe("bcd");
    expect(await h.run("SUBSTR", "k", "0", "0")).toBe("a");
    expect(await h.run("GETRANGE", "k", "0", "4294967297")).toBe("abcde");
    expect(await h.run("GETRANGE", "nokey", "0", "-1")).toBe("");
    expect(await h.run("GETRANGE", "k", "a", "1")).toBe(
      "ERR value is not an integer or out of range",
    );
    h.addOther("l");
    expect(await h.run("GETRANGE", "l", "0", "1")).toBe(WRONGTYPE);
  });
});

describe("SETRANGE", () => {
  test("writes, pads, reports the length", async () => {
    const h = await stringsHarness();
    expect(await h.run("SETRANGE", "k", "1", "foo")).toBe(4);
    expect(await h.raw("GET", "k")).toBe("\0foo");
    expect(await h.run("SETRANGE", "k", "0", "b")).toBe(4);
    expect(await h.raw("GET", "k")).toBe("bfoo");
    expect(await h.run("SETRANGE", "k", "6", "x")).toBe(7);
    expect(await h.raw("GET", "k")).toBe("bfoo\0\0x");
    expect(h.events).toEqual(["$:setrange:k", "$:setrange:k", "$:setrange:k"]);
  });

  test("an empty value writes nothing and creates nothing", async () => {
    const h = await stringsHarness();
    expect(await h.run("SETRANGE", "k", "5", "")).toBe(0);
    expect(h.db.exists("k")).toBe(false);
    await h.run("SET", "k", "abc");
    h.clear();
    expect(await h.run("SETRANGE", "k", "10", "")).toBe(3);
    expect(h.events).toEqual([]);
    expect(h.propagated).toEqual([]);
  });

  test("keeps the TTL", async () => {
    const h = await stringsHarness();
    await h.run("SET", "k", "abc", "EX", "100");
    const at = h.db.getExpire("k");
    await h.run("SETRANGE", "k", "1", "X");
    expect(h.db.getExpire("k")).toBe(at);
  });

  test("errors", async () => {
    const h = await stringsHarness();
    expect(await h.run("SETRANGE", "k", "-1", "x")).toBe("ERR offset is out of range");
    expect(await h.run("SETRANGE", "k", "x", "x")).toBe(
      "ERR value is not an integer or out of range",
    );
    expect(await h.run("SETRANGE", "k", String(512 * 1024 * 1024 - 4), "world")).toBe(TOO_BIG);
    expect(await h.run("SETRANGE", "k", "9223372036854775807", "A")).toBe(TOO_BIG);
    h.addOther("l");
    expect(await h.run("SETRANGE", "l", "0", "x")).toBe(WRONGTYPE);
    expect(await h.run("SETRANGE", "l", "0", "")).toBe(WRONGTYPE);
  });
});
