/**
 * Files move between Modis and redis-server 7.0.15 in both directions, on Bun and on Deno:
 * RDB files (judged by redis-check-rdb and by redis-server loading them), multi-part AOF
 * directories (judged by redis-check-aof and redis-server), a corrupt file stopping the
 * server with a clear error, and the durability of `appendfsync always` under kill -9.
 */

import { describe, expect, test } from "bun:test";
import {
  makeTempDir,
  type RespClient,
  runServerToExit,
  RUNTIMES,
  startRedis,
  startServer,
} from "../helpers/mod.ts";
import { haveRedisTools, readAll, removeDir, runTool, writeDataset } from "./dataset.ts";

const tools = haveRedisTools();

async function waitFor(c: RespClient, field: string, value: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const info = String(await c.send("INFO", "persistence"));
    if (info.includes(`${field}:${value}`)) return;
    await Bun.sleep(25);
  }
  throw new Error(`${field} never became ${value}`);
}

for (const runtime of RUNTIMES) {
  describe.skipIf(!tools)(`persistence interop [${runtime}]`, () => {
    test("an RDB saved by Modis passes redis-check-rdb and loads in redis-server with the same data", async () => {
      const dir = makeTempDir("modis-rdb");
      const modis = await startServer({
        runtime,
        persistence: true,
        args: ["--dir", dir, "--save", ""],
      });
      const c = await modis.client();
      await writeDataset(c);
      expect(await c.send("SAVE")).toEqual({ simple: "OK" });
      const expected = await readAll(c);
      await modis.stop();
      const check = await runTool(["redis-check-rdb", `${dir}/dump.rdb`]);
      expect(check.out).toContain("RDB looks OK!");
      const redis = (await startRedis({ args: ["--dir", dir] }))!;
      expect(await readAll(await redis.client())).toBe(expected);
      await redis.stop();
      removeDir(dir);
    });

    test("an RDB saved by redis-server loads in Modis; SIGTERM saves it back", async () => {
      const dir = makeTempDir("modis-rdb");
      const redis = (await startRedis({ args: ["--dir", dir] }))!;
      const rc = await redis.client();
      await writeDataset(rc);
      await rc.send("SAVE");
      const expected = await readAll(rc);
      await redis.stop();
      const modis = await startServer({
        runtime,
        persistence: true,
        args: ["--dir", dir, "--save", "3600 1"],
      });
      const c = await modis.client();
      expect(await readAll(c)).toBe(expected);
      await c.send("SET", "added", "after load");
      expect(await modis.stop("SIGTERM")).toBe(0);
      const again = await startServer({
        runtime,
        persistence: true,
        args: ["--dir", dir, "--save", ""],
      });
      expect(await (await again.client()).send("GET", "added")).toBe("after load");
      await again.stop();
      removeDir(dir);
    });

    test("a Modis AOF (base + incr, after BGREWRITEAOF) passes redis-check-aof and loads in redis-server", async () => {
      const dir = makeTempDir("modis-aof");
      const modis = await startServer({
        runtime,
        persistence: true,
        args: ["--dir", dir, "--save", "", "--appendonly", "yes"],
      });
      const c = await modis.client();
      await writeDataset(c, "-1");
      await waitFor(c, "aof_rewrite_in_progress", "0");
      expect(await c.send("BGREWRITEAOF")).toEqual({
        simple: "Background append only file rewriting started",
      });
      await waitFor(c, "aof_rewrite_in_progress", "0");
      await writeDataset(c, "-2");
      await c.send("INCRBY", "int-1", 5);
      await c.send("DEL", "list-1");
      const expected = await readAll(c);
      await modis.stop();
      const manifest = `${dir}/appendonlydir/appendonly.aof.manifest`;
      const check = await runTool(["redis-check-aof", manifest]);
      expect(check.out).toMatch(/is valid/);
      const redis = (await startRedis({ args: ["--dir", dir, "--appendonly", "yes"] }))!;
      expect(await readAll(await redis.client())).toBe(expected);
      await redis.stop();
      removeDir(dir);
    });

    test("a redis-server AOF directory loads in Modis", async () => {
      const dir = makeTempDir("modis-aof");
      const redis = (await startRedis({
        args: ["--dir", dir, "--appendonly", "yes", "--aof-use-rdb-preamble", "no"],
      }))!;
      const rc = await redis.client();
      await writeDataset(rc, "-1");
      await writeDataset(rc, "-2");
      await rc.send("EXPIRE", "str-1", 1000);
      const expected = await readAll(rc);
      await redis.stop();
      const modis = await startServer({
        runtime,
        persistence: true,
        args: ["--dir", dir, "--save", "", "--appendonly", "yes"],
      });
      expect(await readAll(await modis.client())).toBe(expected);
      await modis.stop();
      removeDir(dir);
    });

    test("a truncated RDB stops the server with the file, offset and reason", async () => {
      const dir = makeTempDir("modis-bad");
      const modis = await startServer({
        runtime,
        persistence: true,
        args: ["--dir", dir, "--save", ""],
      });
      const c = await modis.client();
      await writeDataset(c);
      await c.send("SAVE");
      await modis.stop();
      const bytes = new Uint8Array(await Bun.file(`${dir}/dump.rdb`).arrayBuffer());
      await Bun.write(`${dir}/dump.rdb`, bytes.subarray(0, bytes.length - 100));
      const r = await runServerToExit({ runtime, dir, args: ["--port", "0", "--dir", dir] });
      expect(r.code).not.toBe(0);
      expect(r.output).toMatch(/Failed loading '.*dump\.rdb' at offset \d+: \S/);
      removeDir(dir);
    });

    test("appendfsync always: every acknowledged write survives kill -9 under load", async () => {
      const dir = makeTempDir("modis-dur");
      const args = ["--dir", dir, "--save", "", "--appendonly", "yes", "--appendfsync", "always"];
      const modis = await startServer({ runtime, persistence: true, args });
      const acked = new Map<string, number>();
      let stop = false;
      const writer = async (id: number) => {
        const c = await modis.client();
        for (let i = 0; !stop; i++) {
          try {
            const r = await c.send("SET", `w${id}`, i);
            if (typeof r === "object" && r !== null && "simple" in r) acked.set(`w${id}`, i);
          } catch {
            return;
          }
        }
      };
      const writers = [0, 1, 2, 3].map(writer);
      await Bun.sleep(400);
      process.kill(modis.pid, "SIGKILL");
      stop = true;
      await Promise.all(writers);
      await modis.exited;
      const again = await startServer({ runtime, persistence: true, args });
      const c = await again.client();
      let total = 0;
      for (const [k, i] of acked) {
        total += i;
        expect(Number(await c.send("GET", k))).toBeGreaterThanOrEqual(i);
      }
      expect(total).toBeGreaterThan(0);
      await again.stop();
      removeDir(dir);
    });
  });
}
