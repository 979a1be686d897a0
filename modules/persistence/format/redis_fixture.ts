/**
 * Test helper (not part of the codec API): starts a private redis-server in a temp directory
 * on a random free port and talks to it with a tiny binary-safe RESP client, so interop tests
 * can generate real RDB files and DUMP payloads and check ours are accepted.
 *
 * Tests must skip with a visible message when redis-server isn't installed; `redisAvailable`
 * reports that. Only processes this helper started are ever stopped (by their own handle).
 */

import { bytesToLatin1, latin1ToBytes } from "./bytes.ts";
import type { RdbValue, StreamValue } from "./values.ts";

/** A RESP reply: strings are binary strings; errors come back as `RespError` values. */
export type Resp = string | number | null | Resp[] | RespError;

/** A RESP error reply. @example `new RespError("ERR x")` */
export class RespError {
  /** @example `new RespError("ERR Bad data format")` */
  constructor(readonly message: string) {}
}

/** Whether redis-server is on PATH. @example `if (!redisAvailable()) console.log("skipping")` */
export function redisAvailable(): boolean {
  return Bun.which("redis-server") !== null && Bun.which("redis-check-rdb") !== null;
}

/** Runs a command to completion, returning exit code and output. @example `await run(["ls"])` */
export async function run(cmd: string[]): Promise<{ code: number; out: string }> {
  const p = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
  ]);
  return { code: await p.exited, out: out + err };
}

/** Makes a fresh temp directory. @example `const dir = await tempDir()` */
export async function tempDir(): Promise<string> {
  return (await run(["mktemp", "-d", "/tmp/modis-rdb-XXXXXX"])).out.trim();
}

function encodeCommand(args: string[]): Uint8Array {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${a.length}\r\n${a}\r\n`;
  return latin1ToBytes(s);
}

/** Parses one reply at `pos`; returns [value, next] or null when incomplete. */
function parseReply(buf: string, pos: number): [Resp, number] | null {
  const eol = buf.indexOf("\r\n", pos);
  if (eol < 0) return null;
  const head = buf[pos];
  const line = buf.slice(pos + 1, eol);
  switch (head) {
    case "+":
      return [line, eol + 2];
    case "-":
      return [new RespError(line), eol + 2];
    case ":":
      return [Number(line), eol + 2];
    case "$": {
      const n = Number(line);
      if (n < 0) return [null, eol + 2];
      if (buf.length < eol + 2 + n + 2) return null;
      return [buf.slice(eol + 2, eol + 2 + n), eol + 4 + n];
    }
    case "*": {
      const n = Number(line);
      if (n < 0) return [null, eol + 2];
      const items: Resp[] = [];
      let p = eol + 2;
      for (let i = 0; i < n; i++) {
        const r = parseReply(buf, p);
        if (!r) return null;
        items.push(r[0]);
        p = r[1];
      }
      return [items, p];
    }
    default:
      throw new Error(`bad RESP reply type ${JSON.stringify(head)}`);
  }
}

/** A running private redis-server. */
export interface RedisServer {
  port: number;
  dir: string;
  /** Sends one command; resolves with its reply. */
  call(...args: string[]): Promise<Resp>;
  /** Stops the server (SHUTDOWN NOSAVE, then kills our own process) and removes the dir. */
  stop(): Promise<void>;
}

async function connect(port: number) {
  let buffer = "";
  const waiting: ((r: Resp) => void)[] = [];
  const socket = await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      data(_s, data) {
        buffer += bytesToLatin1(data);
        for (;;) {
          const r = buffer.length ? parseReply(buffer, 0) : null;
          if (!r) break;
          buffer = buffer.slice(r[1]);
          waiting.shift()?.(r[0]);
        }
      },
    },
  });
  return {
    call(args: string[]): Promise<Resp> {
      return new Promise((resolve) => {
        waiting.push(resolve);
        socket.write(encodeCommand(args));
      });
    },
    close: () => socket.end(),
  };
}

/**
 * Starts redis-server with extra config arguments (e.g. ["--dbfilename", "x.rdb"]) in `dir`
 * (a fresh temp dir by default).
 *
 * @example
 * ```ts
 * const redis = await startRedis();
 * await redis.call("SET", "k", "v");
 * await redis.stop();
 * ```
 */
export async function startRedis(extra: string[] = [], dir?: string): Promise<RedisServer> {
  const home = dir ?? (await tempDir());
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const proc = Bun.spawn([
      "redis-server",
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      home,
      "--save",
      "",
      "--appendonly",
      "no",
      "--daemonize",
      "no",
      "--logfile",
      "redis.log",
      ...extra,
    ], { stdout: "ignore", stderr: "ignore" });
    for (let i = 0; i < 100 && proc.exitCode === null; i++) {
      try {
        const client = await connect(port);
        const pong = await client.call(["PING"]);
        if (pong instanceof RespError && pong.message.startsWith("LOADING")) {
          client.close();
          await Bun.sleep(50);
          continue;
        }
        return {
          port,
          dir: home,
          call: (...args) => client.call(args),
          async stop() {
            client.close();
            proc.kill();
            await proc.exited;
            if (!dir) await run(["rm", "-rf", home]);
          },
        };
      } catch {
        await Bun.sleep(50);
      }
    }
    proc.kill();
    await proc.exited;
  }
  const log = await Bun.file(`${home}/redis.log`).text().catch(() => "");
  throw new Error(`could not start redis-server in ${home}: ${log.slice(-500)}`);
}

function byFirst<T extends readonly unknown[]>(a: T, b: T): number {
  return (a[0] as string) < (b[0] as string) ? -1 : (a[0] as string) > (b[0] as string) ? 1 : 0;
}

/**
 * A canonical copy of a value for comparisons: set members, hash fields and zset members
 * sorted (their stored order depends on the encoding), lists and streams kept as they are.
 *
 * @example
 * ```ts
 * expect(normalize(a)).toEqual(normalize(b));
 * ```
 */
export function normalize(v: RdbValue): RdbValue {
  switch (v.kind) {
    case "set":
      return { kind: "set", members: [...v.members].sort() };
    case "hash":
      return { kind: "hash", entries: [...v.entries].sort(byFirst) };
    case "zset":
      return { kind: "zset", entries: [...v.entries].sort(byFirst) };
    case "stream":
      return { ...v, groups: [...v.groups].sort((a, b) => (a.name < b.name ? -1 : 1)) };
    default:
      return v;
  }
}

/**
 * Builds the expected `StreamValue` from XINFO STREAM key FULL (Redis 7.0 reply shape).
 *
 * @example
 * ```ts
 * streamFromXinfo(await redis.call("XINFO", "STREAM", "s", "FULL"));
 * ```
 */
export function streamFromXinfo(reply: Resp): StreamValue {
  const m = toMap(reply);
  const entries = (m["entries"] as Resp[][]).map(([id, flat]) => {
    const f = flat as string[];
    const fields: [string, string][] = [];
    for (let i = 0; i < f.length; i += 2) fields.push([f[i], f[i + 1]]);
    return { id: id as string, fields };
  });
  const groups = (m["groups"] as Resp[]).map((g) => {
    const gm = toMap(g);
    return {
      name: gm["name"] as string,
      lastId: gm["last-delivered-id"] as string,
      entriesRead: gm["entries-read"] === null ? -1 : gm["entries-read"] as number,
      pending: (gm["pending"] as Resp[][]).map(([id, _c, time, count]) => ({
        id: id as string,
        deliveryTime: time as number,
        deliveryCount: count as number,
      })),
      consumers: (gm["consumers"] as Resp[]).map((c) => {
        const cm = toMap(c);
        return {
          name: cm["name"] as string,
          seenTime: cm["seen-time"] as number,
          activeTime: (cm["active-time"] ?? cm["seen-time"]) as number,
          pending: (cm["pending"] as Resp[][]).map(([id]) => id as string),
        };
      }),
    };
  });
  return {
    kind: "stream",
    entries,
    lastId: m["last-generated-id"] as string,
    firstId: m["recorded-first-entry-id"] as string,
    maxDeletedId: m["max-deleted-entry-id"] as string,
    entriesAdded: m["entries-added"] as number,
    groups,
  };
}

function toMap(reply: Resp): Record<string, Resp> {
  const a = reply as Resp[];
  const out: Record<string, Resp> = {};
  for (let i = 0; i < a.length; i += 2) out[a[i] as string] = a[i + 1];
  return out;
}
