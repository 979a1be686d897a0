import { describe, expect, test } from "bun:test";
import { OutputBuffer, RespEncoder } from "./encoder.ts";
import { ValueBuilder } from "./value_builder.ts";
import type { ReplyWriter } from "../spec.ts";

function encode(resp: 2 | 3, write: (w: ReplyWriter) => void): string {
  const out = new OutputBuffer();
  write(new RespEncoder(out, resp));
  return String.fromCharCode(...out.view());
}

describe("RespEncoder", () => {
  test("scalars", () => {
    expect(encode(2, (w) => w.ok())).toBe("+OK\r\n");
    expect(encode(2, (w) => w.int(5))).toBe(":5\r\n");
    expect(encode(2, (w) => w.int(-9223372036854775808n))).toBe(":-9223372036854775808\r\n");
    expect(encode(2, (w) => w.bulk("a\r\nb"))).toBe("$4\r\na\r\nb\r\n");
    expect(encode(2, (w) => w.bulk(""))).toBe("$0\r\n\r\n");
    expect(encode(2, (w) => w.error("ERR bad\r\nthing"))).toBe("-ERR bad  thing\r\n");
  });

  test("binary bulk keeps every byte", () => {
    const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join("");
    expect(encode(2, (w) => w.bulk(all))).toBe(`$256\r\n${all}\r\n`);
  });

  test("RESP2 downgrades RESP3 types as Redis does", () => {
    expect(encode(2, (w) => w.null())).toBe("$-1\r\n");
    expect(encode(2, (w) => w.nullArray())).toBe("*-1\r\n");
    expect(encode(2, (w) => w.map(1))).toBe("*2\r\n");
    expect(encode(2, (w) => w.set(3))).toBe("*3\r\n");
    expect(encode(2, (w) => w.double(1.5))).toBe("$3\r\n1.5\r\n");
    expect(encode(2, (w) => w.bool(true))).toBe(":1\r\n");
    expect(encode(2, (w) => w.verbatim("hi"))).toBe("$2\r\nhi\r\n");
  });

  test("RESP3 types", () => {
    expect(encode(3, (w) => w.null())).toBe("_\r\n");
    expect(encode(3, (w) => w.map(1))).toBe("%1\r\n");
    expect(encode(3, (w) => w.set(2))).toBe("~2\r\n");
    expect(encode(3, (w) => w.double(Infinity))).toBe(",inf\r\n");
    expect(encode(3, (w) => w.bool(false))).toBe("#f\r\n");
    expect(encode(3, (w) => w.verbatim("hi"))).toBe("=6\r\ntxt:hi\r\n");
    expect(encode(3, (w) => w.bigNumber("123"))).toBe("(123\r\n");
    expect(encode(3, (w) => w.push(2))).toBe(">2\r\n");
  });

  test("buffer grows for large replies", () => {
    const big = "x".repeat(100_000);
    expect(encode(2, (w) => w.bulks([big, null])).length).toBe(100_000 + 20);
  });
});

describe("ValueBuilder", () => {
  test("nested aggregates", () => {
    const b = new ValueBuilder(3);
    b.array(3);
    b.bulk("a");
    b.map(1);
    b.bulk("k");
    b.int(1);
    b.array(0);
    expect(b.take()).toEqual(["a", new Map([["k", 1]]), []]);
  });

  test("RESP2 maps are flat arrays and booleans integers", () => {
    const b = new ValueBuilder(2);
    b.map(1);
    b.bulk("k");
    b.bool(true);
    expect(b.take()).toEqual(["k", 1]);
  });
});
