import { describe, expect, test } from "bun:test";
import { ProtocolError, RequestParser, splitArgs } from "./parser.ts";

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

function parseAll(p: RequestParser, ...chunks: string[]): (string[] | null)[] {
  const out: (string[] | null)[] = [];
  for (const c of chunks) {
    p.feed(bytes(c));
    for (let cmd = p.next(); cmd !== null; cmd = p.next()) out.push(cmd);
    p.retain();
  }
  return out;
}

describe("RequestParser", () => {
  test("multibulk and pipelines", () => {
    const p = new RequestParser();
    expect(parseAll(p, "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*1\r\n$4\r\nPING\r\n")).toEqual([
      ["GET", "k"],
      ["PING"],
    ]);
  });

  test("commands split at every byte boundary", () => {
    const wire = "*3\r\n$3\r\nSET\r\n$4\r\na\r\nb\r\n$0\r\n\r\nPING\r\n";
    for (let cut = 1; cut < wire.length; cut++) {
      const p = new RequestParser();
      expect(parseAll(p, wire.slice(0, cut), wire.slice(cut))).toEqual([["SET", "a\r\nb", ""], [
        "PING",
      ]]);
    }
  });

  test("binary-safe bulks", () => {
    const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join("");
    const p = new RequestParser();
    expect(parseAll(p, `*1\r\n$256\r\n${all}\r\n`)).toEqual([[all]]);
  });

  test("inline commands with quotes", () => {
    const p = new RequestParser();
    expect(parseAll(p, "SET \"a b\" 'c d'\r\nPING\n")).toEqual([["SET", "a b", "c d"], ["PING"]]);
  });

  test("empty multibulk and empty inline lines are skipped as empty commands", () => {
    const p = new RequestParser();
    expect(parseAll(p, "*0\r\n\r\n")).toEqual([[], []]);
  });

  const errors: [string, string][] = [
    ["*abc\r\n", "ERR Protocol error: invalid multibulk length"],
    ["*1\r\n$-5\r\n", "ERR Protocol error: invalid bulk length"],
    ["*1\r\nfoo\r\n", "ERR Protocol error: expected '$', got 'f'"],
    ['SET "a\r\n', "ERR Protocol error: unbalanced quotes in request"],
    ["*1\r\n$600000000\r\n", "ERR Protocol error: invalid bulk length"],
  ];
  for (const [wire, msg] of errors) {
    test(`error: ${JSON.stringify(wire)}`, () => {
      const p = new RequestParser();
      expect(() => parseAll(p, wire)).toThrow(new ProtocolError(msg));
    });
  }

  test("too big inline request", () => {
    const p = new RequestParser();
    expect(() => parseAll(p, "x".repeat(70000))).toThrow(
      "ERR Protocol error: too big inline request",
    );
  });

  test("unauthenticated limits", () => {
    const p = new RequestParser();
    p.authPending = true;
    expect(() => parseAll(p, "*11\r\n")).toThrow(
      "ERR Protocol error: unauthenticated multibulk length",
    );
    const q = new RequestParser();
    q.authPending = true;
    expect(() => parseAll(q, "*1\r\n$20000\r\n")).toThrow(
      "ERR Protocol error: unauthenticated bulk length",
    );
  });

  test("a big bulk arriving in pieces", () => {
    const p = new RequestParser();
    const big = "v".repeat(1_000_000);
    const wire = `*2\r\n$3\r\nSET\r\n$${big.length}\r\n${big}\r\n`;
    const chunks: string[] = [];
    for (let i = 0; i < wire.length; i += 65536) chunks.push(wire.slice(i, i + 65536));
    const out = parseAll(p, ...chunks);
    expect(out.length).toBe(1);
    expect(out[0]![1].length).toBe(1_000_000);
  });
});

describe("splitArgs", () => {
  test("escapes", () => {
    expect(splitArgs("\"\\x41\\n\" 'it\\'s'")).toEqual(["A\n", "it's"]);
  });
  test("closing quote must be followed by space", () => {
    expect(splitArgs('"a"b')).toBeNull();
  });
  test("blank line", () => {
    expect(splitArgs("   ")).toEqual([]);
  });
});
