import { describe, expect, test } from "bun:test";
import { isMap, isPush, mapGet, NULL_ARRAY, RespFormatError, RespReader } from "./resp_reader.ts";

const enc = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

function readAll(s: string) {
  const r = new RespReader();
  r.feed(enc(s));
  const out = [];
  for (let v = r.next(); v !== undefined; v = r.next()) out.push(v);
  return out;
}

describe("RespReader", () => {
  test("RESP2 types", () => {
    expect(
      readAll(
        "+OK\r\n-ERR x\r\n:42\r\n:-9223372036854775808\r\n$3\r\na\r\n\r\n$-1\r\n*-1\r\n*2\r\n$0\r\n\r\n:1\r\n",
      ),
    )
      .toEqual([
        { simple: "OK" },
        { error: "ERR x" },
        42,
        -9223372036854775808n,
        "a\r\n",
        null,
        NULL_ARRAY,
        ["", 1],
      ]);
  });

  test("RESP3 types", () => {
    const got = readAll(
      "%1\r\n+a\r\n,1.5\r\n~1\r\n#t\r\n>2\r\n+message\r\n#f\r\n_\r\n(12345678901234567890\r\n=7\r\ntxt:abc\r\n!5\r\nERR x\r\n|1\r\n+k\r\n+v\r\n:1\r\n",
    );
    expect(got).toEqual([
      { map: [[{ simple: "a" }, { double: "1.5" }]] },
      { set: [true] },
      { push: [{ simple: "message" }, false] },
      null,
      { bignum: "12345678901234567890" },
      { verbatim: "abc", format: "txt" },
      { error: "ERR x" },
      { attribute: [[{ simple: "k" }, { simple: "v" }]], value: 1 },
    ]);
    expect(isMap(got[0])).toBe(true);
    expect(isMap([])).toBe(false);
    expect(isPush(got[2])).toBe(true);
    expect(mapGet(["a", 1, "b", 2], "b")).toBe(2);
  });

  test("incremental feeding, byte by byte", () => {
    const r = new RespReader();
    const msg = "*3\r\n$5\r\nhello\r\n:7\r\n%1\r\n$1\r\nk\r\n$1\r\nv\r\n";
    const out = [];
    for (const ch of msg) {
      r.feed(enc(ch));
      const v = r.next();
      if (v !== undefined) out.push(v);
    }
    expect(out).toEqual([["hello", 7, { map: [["k", "v"]] }]]);
    expect(r.buffered).toBe(0);
  });

  test("binary bulk and a bulk bigger than the initial buffer", () => {
    const big = "x".repeat(200_000);
    expect(readAll(`$3\r\n\x00\xff\r\r\n$${big.length}\r\n${big}\r\n`)).toEqual([
      "\x00\xff\r",
      big,
    ]);
  });

  test("malformed input throws", () => {
    expect(() => readAll("?what\r\n")).toThrow(RespFormatError);
    expect(() => readAll("$3\r\nabcd\r\n")).toThrow(RespFormatError);
  });
});
