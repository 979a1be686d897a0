/**
 * Differential test of keyspace notification streams and MULTI/EXEC: the same seeded random
 * commands go to a reference redis-server and to Modis (Bun, Deno); on each server a
 * subscriber listens to `__key*__:*`, with every event class on (KEA plus m and n) or one
 * class at a time (the selection changes every 40 steps). After
 * every command a marker message on a plain channel closes the step, so each command's
 * events are compared on their own and a mismatch names the command that caused it — which
 * doubles as the per-command audit of the events data-type modules emit.
 *
 * Replies are compared too (exactly), and some steps wrap a few commands in MULTI/EXEC, so
 * transaction replies and the events of commands run by EXEC are covered. Templates whose
 * commands Modis lacks are skipped (listed in the output). Knobs: DIFF_SEED, DIFF_STEPS.
 */

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  modisHas,
  type Reply,
  type RespClient,
  RUNTIMES,
  type ServerHandle,
  startRedis,
  startServer,
} from "../helpers/mod.ts";
import { Rng } from "./framework.ts";

// deno-lint-ignore no-explicit-any
const env = (globalThis as any).process?.env ?? {};
const STEPS = Number(env.DIFF_STEPS ?? 250);
const SEEDS: number[] = env.DIFF_SEED !== undefined ? [Number(env.DIFF_SEED)] : [11, 12];

const KEYS = ["n0", "n1", "n2", "n3"];
const k = (r: Rng) => r.pick(KEYS);
const v = (r: Rng) => r.pick(["1", "2", "10", "a", "b", "xyz", "-3", "2.5"]);
const m = (r: Rng) => r.pick(["a", "b", "c", "d"]);
const n = (r: Rng) => String(r.int(-2, 5));

/** Command templates: the command name (for availability) and an argv maker. */
const TEMPLATES: [string, (r: Rng) => string[]][] = [
  [
    "set",
    (
      r,
    ) => ["SET", k(r), v(r), ...r.pick([[], ["NX"], ["XX"], ["GET"], ["KEEPTTL"], ["PX", "5000"]])],
  ],
  ["setnx", (r) => ["SETNX", k(r), v(r)]],
  ["setex", (r) => ["SETEX", k(r), "100", v(r)]],
  ["getset", (r) => ["GETSET", k(r), v(r)]],
  ["getdel", (r) => ["GETDEL", k(r)]],
  ["getex", (r) => ["GETEX", k(r), ...r.pick([["EX", "100"], ["PERSIST"], []])]],
  ["get", (r) => ["GET", k(r)]],
  ["append", (r) => ["APPEND", k(r), v(r)]],
  ["setrange", (r) => ["SETRANGE", k(r), String(r.int(0, 3)), v(r)]],
  ["incr", (r) => ["INCR", k(r)]],
  ["incrbyfloat", (r) => ["INCRBYFLOAT", k(r), "1.5"]],
  ["mset", (r) => ["MSET", k(r), v(r), k(r), v(r)]],
  ["msetnx", (r) => ["MSETNX", k(r), v(r), k(r), v(r)]],
  ["setbit", (r) => ["SETBIT", k(r), String(r.int(0, 9)), String(r.int(0, 1))]],
  ["bitop", (r) => ["BITOP", "OR", k(r), k(r), k(r)]],
  ["del", (r) => ["DEL", k(r), k(r)]],
  ["unlink", (r) => ["UNLINK", k(r)]],
  ["expire", (r) => ["EXPIRE", k(r), r.pick(["100", "0", "-1"])]],
  ["pexpire", (r) => ["PEXPIRE", k(r), "200000", ...r.pick([[], ["NX"], ["XX"]])]],
  ["persist", (r) => ["PERSIST", k(r)]],
  ["rename", (r) => ["RENAME", k(r), k(r)]],
  ["renamenx", (r) => ["RENAMENX", k(r), k(r)]],
  ["move", (r) => ["MOVE", k(r), "1"]],
  ["copy", (r) => ["COPY", k(r), k(r), ...r.pick([[], ["REPLACE"]])]],
  ["lpush", (r) => ["LPUSH", k(r), m(r), m(r)]],
  ["rpushx", (r) => ["RPUSHX", k(r), m(r)]],
  ["lpop", (r) => ["LPOP", k(r), ...r.pick([[], ["2"]])]],
  ["rpop", (r) => ["RPOP", k(r)]],
  ["linsert", (r) => ["LINSERT", k(r), "BEFORE", m(r), m(r)]],
  ["lset", (r) => ["LSET", k(r), "0", m(r)]],
  ["ltrim", (r) => ["LTRIM", k(r), "1", "-1"]],
  ["lrem", (r) => ["LREM", k(r), "0", m(r)]],
  ["lmove", (r) => ["LMOVE", k(r), k(r), "LEFT", "RIGHT"]],
  ["lrange", (r) => ["LRANGE", k(r), "0", "-1"]],
  ["hset", (r) => ["HSET", k(r), m(r), v(r)]],
  ["hsetnx", (r) => ["HSETNX", k(r), m(r), v(r)]],
  ["hdel", (r) => ["HDEL", k(r), m(r), m(r)]],
  ["hincrby", (r) => ["HINCRBY", k(r), m(r), n(r)]],
  ["hincrbyfloat", (r) => ["HINCRBYFLOAT", k(r), m(r), "0.5"]],
  ["hget", (r) => ["HGET", k(r), m(r)]],
  ["sadd", (r) => ["SADD", k(r), m(r), m(r)]],
  ["srem", (r) => ["SREM", k(r), m(r)]],
  ["smove", (r) => ["SMOVE", k(r), k(r), m(r)]],
  ["sinterstore", (r) => ["SINTERSTORE", k(r), k(r), k(r)]],
  ["sunionstore", (r) => ["SUNIONSTORE", k(r), k(r), k(r)]],
  ["sdiffstore", (r) => ["SDIFFSTORE", k(r), k(r), k(r)]],
  ["zadd", (r) => ["ZADD", k(r), ...r.pick([[], ["NX"], ["XX"], ["GT"], ["INCR"]]), n(r), m(r)]],
  ["zincrby", (r) => ["ZINCRBY", k(r), n(r), m(r)]],
  ["zrem", (r) => ["ZREM", k(r), m(r)]],
  ["zremrangebyscore", (r) => ["ZREMRANGEBYSCORE", k(r), "-inf", n(r)]],
  ["zremrangebyrank", (r) => ["ZREMRANGEBYRANK", k(r), "0", "0"]],
  ["zpopmin", (r) => ["ZPOPMIN", k(r), ...r.pick([[], ["2"]])]],
  ["zunionstore", (r) => ["ZUNIONSTORE", k(r), "2", k(r), k(r)]],
  ["zinterstore", (r) => ["ZINTERSTORE", k(r), "2", k(r), k(r)]],
  ["zrangestore", (r) => ["ZRANGESTORE", k(r), k(r), "0", "-1"]],
  ["zscore", (r) => ["ZSCORE", k(r), m(r)]],
  ["sort", (r) => ["SORT", k(r), "ALPHA", "STORE", k(r)]],
  ["psetex", (r) => ["PSETEX", k(r), "100000", v(r)]],
  ["decrby", (r) => ["DECRBY", k(r), n(r)]],
  ["expireat", (r) => ["EXPIREAT", k(r), r.pick(["1", "99999999999"])]],
  ["rpoplpush", (r) => ["RPOPLPUSH", k(r), k(r)]],
  ["lmpop", (r) => ["LMPOP", "2", k(r), k(r), r.pick(["LEFT", "RIGHT"]), "COUNT", "2"]],
  ["blpop", (r) => ["BLPOP", k(r), "0.01"]],
  ["hmset", (r) => ["HMSET", k(r), m(r), v(r), m(r), v(r)]],
  ["spop", (r) => ["SPOP", k(r), "10"]],
  ["zpopmax", (r) => ["ZPOPMAX", k(r)]],
  ["zremrangebylex", (r) => ["ZREMRANGEBYLEX", k(r), "-", "+"]],
  ["zdiffstore", (r) => ["ZDIFFSTORE", k(r), "2", k(r), k(r)]],
  ["zmpop", (r) => ["ZMPOP", "1", k(r), "MIN", "COUNT", "2"]],
  ["pfadd", (r) => ["PFADD", k(r), m(r)]],
  ["geoadd", (r) => ["GEOADD", k(r), "13.361389", "38.115556", m(r)]],
  ["xadd", (r) => ["XADD", k(r), "1-*", m(r), v(r)]],
  ["xdel", (r) => ["XDEL", k(r), "0-1"]],
  ["xtrim", (r) => ["XTRIM", k(r), "MAXLEN", "1"]],
];

/** Commands whose replies are random (their events still are compared). */
const RANDOM_REPLY = new Set(["SPOP"]);

const available = TEMPLATES.filter(([name]) => modisHas(name));
const missing = TEMPLATES.filter(([name]) => !modisHas(name)).map(([name]) => name);
if (missing.length > 0) {
  console.warn(`SKIP notification templates for commands Modis lacks: ${missing.join(", ")}`);
}

/** Event-class selections cycled through a run. */
const CLASS_SETS = [
  "KEAmn",
  "KEg",
  "KE$",
  "KEl",
  "KEs",
  "KEh",
  "KEz",
  "KEt",
  "KEx",
  "KEm",
  "KEn",
  "KEd",
];

/** One server under test: a command client and a subscriber. */
interface Side {
  name: string;
  cmd: RespClient;
  sub: RespClient;
}

async function prepare(h: ServerHandle, name: string): Promise<Side> {
  const cmd = await h.client();
  const sub = await h.client();
  await cmd.send("FLUSHALL");
  await cmd.send("CONFIG", "SET", "notify-keyspace-events", "KEAmn");
  await sub.send("PSUBSCRIBE", "__key*__:*");
  await sub.send("SUBSCRIBE", "step-end");
  return { name, cmd, sub };
}

/** Run argv lists as one step; returns the replies and the events of the step. */
async function step(s: Side, cmds: string[][]): Promise<{ replies: Reply[]; events: string[] }> {
  const replies = await s.cmd.pipeline(cmds);
  await s.cmd.send("PUBLISH", "step-end", "x");
  const events: string[] = [];
  for (;;) {
    const msg = (await s.sub.read(5000)) as Reply[];
    if (msg[0] === "message" && msg[1] === "step-end") break;
    events.push(`${msg[2]} ${msg[3]}`);
  }
  return { replies, events };
}

describe("differential: keyspace events and MULTI/EXEC vs redis-server", () => {
  let redis: ServerHandle | null = null;
  const modis: ServerHandle[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    if (redis) { for (const runtime of RUNTIMES) modis.push(await startServer({ runtime })); }
  });
  afterAll(async () => {
    await redis?.stop();
    for (const h of modis) await h.stop();
  });

  for (const seed of SEEDS) {
    test(`seed ${seed}: same replies and the same events per command`, async () => {
      if (!redis) return console.warn("SKIP: redis-server is not installed");
      const ref = await prepare(redis, "redis");
      const sides = await Promise.all(modis.map((h, i) => prepare(h, RUNTIMES[i])));
      const rng = new Rng(seed);
      const mismatches: string[] = [];
      let totalEvents = 0;
      for (let i = 0; i < STEPS && mismatches.length < 10; i++) {
        const tx = rng.chance(0.15);
        const count = tx ? rng.int(1, 3) : 1;
        const body = Array.from({ length: count }, () => rng.pick(available)[1](rng));
        const cmds = tx ? [["MULTI"], ...body, ["EXEC"]] : body;
        // Every 40 steps, another event-class selection: a single class letter catches events
        // sent with the wrong class, which an all-classes subscription cannot see.
        if (i % 40 === 0) {
          const classes = CLASS_SETS[(i / 40) % CLASS_SETS.length];
          for (const side of [ref, ...sides]) {
            await side.cmd.send("CONFIG", "SET", "notify-keyspace-events", classes);
          }
        }
        const want = await step(ref, cmds);
        totalEvents += want.events.length;
        for (const s of sides) {
          const got = await step(s, cmds);
          const line = cmds.map((c) => c.join(" ")).join(" ; ");
          if (JSON.stringify(got.events) !== JSON.stringify(want.events)) {
            mismatches.push(
              `[${s.name}] step ${i} ${line}\n  events redis: ${
                want.events.join(", ")
              }\n  events modis: ${got.events.join(", ")}`,
            );
          }
          const random = cmds.some((c) => RANDOM_REPLY.has(c[0]));
          if (!random && JSON.stringify(got.replies) !== JSON.stringify(want.replies)) {
            mismatches.push(
              `[${s.name}] step ${i} ${line}\n  replies redis: ${
                JSON.stringify(want.replies)
              }\n  replies modis: ${JSON.stringify(got.replies)}`,
            );
          }
        }
      }
      console.log(
        `seed ${seed}: ${STEPS} steps, ${sides.length} Modis sides, ${available.length} templates, ${totalEvents} reference events`,
      );
      if (mismatches.length > 0) {
        console.log(`seed ${seed} (replay: DIFF_SEED=${seed}):\n${mismatches.join("\n")}`);
      }
      expect(mismatches).toEqual([]);
    }, 60_000);
  }
});
