/**
 * The wire protocol over real TCP: inline commands and their quoting, every protocol error
 * Redis reports (word for word, followed by a close), isolation between clients, pipelining
 * and big bulks that arrive in many reads.
 *
 * These expectations are plain Redis behaviour, so the suite also runs against the
 * reference redis-server (when installed): a wrong expectation fails there first.
 */

import { describe, expect, test } from "bun:test";
import { error, kindsWithRedis, type RespClient, simple, useServer } from "../helpers/mod.ts";

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Send raw bytes, expect one error reply, then the server closing the connection. */
async function expectProtocolError(c: RespClient, bytes: string, message: string): Promise<void> {
  c.write(bytes);
  expect(await c.read()).toEqual(error(`ERR Protocol error: ${message}`));
  await c.waitClosed(5000);
  expect(c.closed).toBe(true);
}

for (const kind of kindsWithRedis()) {
  describe(`protocol [${kind}]`, () => {
    const server = useServer(kind);

    test("inline commands, quoting and escapes", async () => {
      const c = await server().client();
      c.write("PING\r\n");
      expect(await c.read()).toEqual(simple("PONG"));
      c.write("ping\n"); // a bare LF ends an inline request too
      expect(await c.read()).toEqual(simple("PONG"));
      c.write('  ECHO \t  "hello world"  \r\n');
      expect(await c.read()).toBe("hello world");
      c.write('ECHO "\\x41\\x00\\xff\\n\\r\\t\\""\r\n');
      expect(await c.read()).toBe('A\x00\xff\n\r\t"');
      c.write("ECHO 'it\\'s \"quoted\"'\r\n");
      expect(await c.read()).toBe('it\'s "quoted"');
      c.write("ECHO ''\r\n");
      expect(await c.read()).toBe("");
    });

    test("empty requests are ignored", async () => {
      const c = await server().client();
      c.write("\r\n\r\n*0\r\n*-1\r\n   \r\nPING\r\n");
      expect(await c.read()).toEqual(simple("PONG"));
    });

    test("a request split byte by byte", async () => {
      const c = await server().client();
      const req = "*2\r\n$4\r\nECHO\r\n$5\r\nab\r\nc\r\n";
      for (const ch of req) {
        c.write(ch);
        await sleep(1);
      }
      expect(await c.read()).toBe("ab\r\nc");
    });

    test("unknown command and wrong arity errors", async () => {
      const c = await server().client();
      expect(await c.send("NOSUCHCMD", "a", "b")).toEqual(
        error("ERR unknown command 'NOSUCHCMD', with args beginning with: 'a' 'b' "),
      );
      expect(await c.send("ECHO")).toEqual(
        error("ERR wrong number of arguments for 'echo' command"),
      );
      // The connection survives ordinary errors.
      expect(await c.send("PING")).toEqual(simple("PONG"));
    });

    test("unbalanced quotes", async () => {
      await expectProtocolError(
        await server().client(),
        'ECHO "abc\r\n',
        "unbalanced quotes in request",
      );
      await expectProtocolError(
        await server().client(),
        "ECHO 'abc\r\n",
        "unbalanced quotes in request",
      );
      await expectProtocolError(
        await server().client(),
        'ECHO "a"b\r\n',
        "unbalanced quotes in request",
      );
    });

    test("too big inline request", async () => {
      await expectProtocolError(
        await server().client(),
        "A".repeat(70 * 1024),
        "too big inline request",
      );
    });

    test("invalid multibulk length", async () => {
      await expectProtocolError(await server().client(), "*abc\r\n", "invalid multibulk length");
      await expectProtocolError(
        await server().client(),
        "*3000000000\r\n",
        "invalid multibulk length",
      );
      await expectProtocolError(await server().client(), "*1x\r\n", "invalid multibulk length");
    });

    test("too big mbulk count string", async () => {
      await expectProtocolError(
        await server().client(),
        "*" + "1".repeat(70 * 1024),
        "too big mbulk count string",
      );
    });

    test("invalid bulk length", async () => {
      await expectProtocolError(await server().client(), "*1\r\n$abc\r\n", "invalid bulk length");
      await expectProtocolError(await server().client(), "*1\r\n$-5\r\n", "invalid bulk length");
      // Past the default proto-max-bulk-len (512 MB).
      await expectProtocolError(
        await server().client(),
        "*1\r\n$600000000\r\n",
        "invalid bulk length",
      );
    });

    test("too big bulk count string", async () => {
      await expectProtocolError(
        await server().client(),
        "*1\r\n$" + "1".repeat(70 * 1024),
        "too big bulk count string",
      );
    });

    test("expected '$'", async () => {
      await expectProtocolError(await server().client(), "*1\r\n:5\r\n", "expected '$', got ':'");
      await expectProtocolError(
        await server().client(),
        "*2\r\n$4\r\nECHO\r\n+x\r\n",
        "expected '$', got '+'",
      );
    });

    test("commands before a protocol error in the same read are answered", async () => {
      const c = await server().client();
      c.write("PING\r\n*1\r\n$4\r\nPING\r\n*1\r\n!\r\n");
      expect(await c.read()).toEqual(simple("PONG"));
      expect(await c.read()).toEqual(simple("PONG"));
      expect(await c.read()).toEqual(error("ERR Protocol error: expected '$', got '!'"));
      await c.waitClosed(5000);
    });

    test("a malformed client does not affect another client", async () => {
      const good = await server().client();
      // Half a command from the good client, then garbage from a bad one, then the rest.
      good.write("*2\r\n$4\r\nECHO\r\n$5\r\nhel");
      const bad = await server().client();
      await expectProtocolError(bad, "*x\r\n", "invalid multibulk length");
      good.write("lo\r\n");
      expect(await good.read()).toBe("hello");
      expect(await good.send("PING")).toEqual(simple("PONG"));
    });

    test("pipelining 1000 commands gives 1000 replies in order", async () => {
      const c = await server().client();
      const cmds = Array.from({ length: 1000 }, (_, i) => ["ECHO", `msg-${i}`]);
      const replies = await c.pipeline(cmds);
      expect(replies.length).toBe(1000);
      expect(replies).toEqual(cmds.map((cmd) => cmd[1]));
      // Inline requests pipeline too.
      c.write(Array.from({ length: 100 }, () => "PING\r\n").join(""));
      for (let i = 0; i < 100; i++) expect(await c.read()).toEqual(simple("PONG"));
    });

    test("a 10 MB bulk split across many reads", async () => {
      const c = await server().client();
      const size = 10 * 1024 * 1024;
      const payload = new Uint8Array(size);
      for (let i = 0; i < size; i++) payload[i] = (i * 31 + 7) & 255;
      c.write(`*2\r\n$4\r\nECHO\r\n$${size}\r\n`);
      c.write(payload.subarray(0, 1000));
      await sleep(20);
      c.write(payload.subarray(1000, size / 2));
      await sleep(20);
      c.write(payload.subarray(size / 2));
      c.write("\r\n");
      const r = await c.read(30_000);
      expect(typeof r).toBe("string");
      const s = r as string;
      expect(s.length).toBe(size);
      let mismatches = 0;
      for (let i = 0; i < size; i += 4099) if (s.charCodeAt(i) !== payload[i]) mismatches++;
      expect(mismatches).toBe(0);
      expect(s.charCodeAt(size - 1)).toBe(payload[size - 1]);
      expect(await c.send("PING")).toEqual(simple("PONG"));
    });

    test("QUIT replies OK and closes", async () => {
      const c = await server().client();
      expect(await c.send("QUIT")).toEqual(simple("OK"));
      await c.waitClosed(5000);
    });
  });
}
