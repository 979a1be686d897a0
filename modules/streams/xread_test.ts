// End-to-end tests of blocking XREAD / XREADGROUP over TCP, for Modis on Bun and on Deno
// (and redis-server as a reference when installed): several consumers of one group blocked
// at once, wake-ups from MULTI/EXEC, deletion of the key, timeouts.
import { describe, expect, test } from "bun:test";
import { kindsWithRedis, NULL_ARRAY, type RespClient, useServer } from "../../test/helpers/mod.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitBlocked(c: RespClient, n: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const info = String(await c.send("INFO", "clients"));
    if (new RegExp(`blocked_clients:${n}\\b`).test(info)) return;
    await sleep(10);
  }
  throw new Error(`never saw ${n} blocked clients`);
}

for (const kind of kindsWithRedis()) {
  describe(`blocking stream reads [${kind}]`, () => {
    const server = useServer(kind);

    test("several consumers of one group each get different new entries", async () => {
      const s = server();
      const admin = await s.client();
      await admin.send("DEL", "jobs");
      expect(await admin.send("XGROUP", "CREATE", "jobs", "workers", "$", "MKSTREAM")).toEqual({
        simple: "OK",
      });
      const workers = await Promise.all([s.client(), s.client(), s.client()]);
      workers.forEach((w, i) =>
        w.write(`XREADGROUP GROUP workers w${i} COUNT 1 BLOCK 5000 STREAMS jobs >\r\n`)
      );
      await waitBlocked(admin, 3);
      // All three wait with a timeout (BLOCK 5000): the timeout table holds them.
      expect(String(await admin.send("INFO", "clients"))).toContain(
        "clients_in_timeout_table:3\r\n",
      );
      await admin.send("XADD", "jobs", "1-1", "job", "a");
      await admin.send("XADD", "jobs", "1-2", "job", "b");
      await admin.send("XADD", "jobs", "1-3", "job", "c");
      const got = await Promise.all(workers.map((w) => w.read()));
      expect(got).toEqual([
        [["jobs", [["1-1", ["job", "a"]]]]],
        [["jobs", [["1-2", ["job", "b"]]]]],
        [["jobs", [["1-3", ["job", "c"]]]]],
      ]);
      const pending = (await admin.send("XPENDING", "jobs", "workers")) as unknown[];
      expect(pending).toEqual([3, "1-1", "1-3", [["w0", "1"], ["w1", "1"], ["w2", "1"]]]);
    });

    test("a transaction wakes readers once it is done; XREAD $ sees only new entries", async () => {
      const s = server();
      const admin = await s.client();
      await admin.send("DEL", "ev");
      await admin.send("XADD", "ev", "1-0", "old", "1");
      const reader = await s.client();
      reader.write("XREAD BLOCK 5000 STREAMS ev $\r\n");
      await waitBlocked(admin, 1);
      await admin.pipeline([["MULTI"], ["XADD", "ev", "2-0", "n", "1"], [
        "XADD",
        "ev",
        "3-0",
        "n",
        "2",
      ], ["EXEC"]]);
      expect(await reader.read()).toEqual([["ev", [["2-0", ["n", "1"]], ["3-0", ["n", "2"]]]]]);
    });

    test("deleting the stream unblocks group readers with NOGROUP; timeouts answer nil", async () => {
      const s = server();
      const admin = await s.client();
      await admin.send("DEL", "gone");
      await admin.send("XGROUP", "CREATE", "gone", "g", "$", "MKSTREAM");
      const reader = await s.client();
      reader.write("XREADGROUP GROUP g c BLOCK 0 STREAMS gone >\r\n");
      await waitBlocked(admin, 1);
      await admin.send("DEL", "gone");
      const err = (await reader.read()) as { error: string };
      // Redis 7.4 re-runs the command (NOGROUP); the 7.0 reference still says UNBLOCKED.
      expect(err.error).toMatch(
        kind === "redis" ? /^(NOGROUP|UNBLOCKED the stream key no longer exists)/ : /^NOGROUP/,
      );
      expect(await reader.send("XREAD", "BLOCK", "20", "STREAMS", "gone", "$")).toEqual(NULL_ARRAY);
    });
  });
}
