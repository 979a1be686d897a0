import { describe, expect, test } from "bun:test";
import { createServer } from "../../mod.ts";
import { CLUSTER_DISABLED } from "./mod.ts";

describe("cluster module (standalone)", () => {
  test("every cluster command answers that cluster support is disabled", async () => {
    const m = createServer({ log: false });
    await m.ready;
    for (
      const argv of [["CLUSTER", "INFO"], ["CLUSTER", "KEYSLOT", "k"], ["READONLY"], ["ASKING"]]
    ) {
      await expect(m.call(...argv)).rejects.toThrow(CLUSTER_DISABLED);
    }
    await expect(m.call("CLUSTER", "INFO", "x")).rejects.toThrow(
      "ERR wrong number of arguments for 'cluster|info' command",
    );
    // Metadata as Redis lists it: 28 subcommands, RESET refused from scripts.
    const info = (await m.call("COMMAND", "INFO", "cluster")) as unknown[][];
    expect((info[0][9] as unknown[]).length).toBe(28);
    await expect(m.call("EVAL", "return redis.call('cluster', 'reset')", 0)).rejects.toThrow(
      "This Redis command is not allowed from script",
    );
    await m.close();
  });

  test("cluster-enabled yes stops the server at startup", async () => {
    const p = Bun.spawn(["bun", "run", "mod.ts", "--port", "0", "--cluster-enabled", "yes"], {
      cwd: new URL("../..", import.meta.url).pathname,
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(await p.exited).toBe(1);
    expect(await new Response(p.stderr).text() + await new Response(p.stdout).text()).toContain(
      "Modis runs standalone only",
    );
  });
});
