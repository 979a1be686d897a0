import { describe, expect, test } from "bun:test";
import { createServer } from "../../mod.ts";
import type { ModuleSpec } from "../../core/spec.ts";
import { connectionModule } from "../connection/mod.ts";
import { serverModule } from "./mod.ts";
import { bytesToHuman, renderInfo } from "./info.ts";

function sections(text: string): string[] {
  return [...text.matchAll(/^# (\S+)/gm)].map((m) => m[1]);
}

function fields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0 && !line.startsWith("#")) out.set(line.slice(0, i), line.slice(i + 1));
  }
  return out;
}

describe("INFO", () => {
  test("default, all, everything and section lists", async () => {
    const m = createServer({ builtins: [connectionModule, serverModule], log: false });
    const def = (await m.call("INFO")) as string;
    expect(sections(def)).toEqual([
      "Server",
      "Clients",
      "Memory",
      "Persistence",
      "Stats",
      "Replication",
      "CPU",
      "Modules",
      "Errorstats",
      "Cluster",
      "Keyspace",
    ]);
    expect(sections((await m.call("INFO", "all")) as string)).toContain("Commandstats");
    expect(sections((await m.call("INFO", "CPU", "memory", "cpu")) as string)).toEqual([
      "Memory",
      "CPU",
    ]);
    expect(sections((await m.call("INFO", "cpu", "default")) as string)).toEqual(sections(def));
    expect(await m.call("INFO", "nosuchsection")).toBe("");
    const f = fields(def);
    expect(f.get("redis_version")).toBe("7.4.1");
    expect(f.get("role")).toBe("master");
    expect(f.get("master_replid")).toMatch(/^[0-9a-f]{40}$/);
    expect(f.has("used_cpu_user")).toBe(true);
    expect(f.get("rdb_changes_since_last_save")).toBe("0");
    await m.close();
  });

  test("commandstats, errorstats and keyspace follow the server's counters", async () => {
    const m = createServer({ log: false });
    await m.call("SET", "k", "v");
    await m.call("SET", "k2", "v");
    await m.call("PEXPIRE", "k2", "100000");
    await m.call("GET", "nope");
    await expect(m.call("NOSUCHCOMMAND")).rejects.toThrow();
    await expect(m.call("GET")).rejects.toThrow();
    const f = fields((await m.call("INFO", "commandstats", "errorstats", "keyspace")) as string);
    expect(f.get("cmdstat_set")).toMatch(
      /^calls=2,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0$/,
    );
    expect(f.get("cmdstat_get")).toMatch(/^calls=1,.*rejected_calls=1,failed_calls=0$/);
    expect(f.get("errorstat_ERR")).toBe("count=2");
    expect(f.get("db0")).toBe("keys=2,expires=1,avg_ttl=0,subexpiry=0");
    expect(await m.call("CONFIG", "RESETSTAT")).toBe("OK");
    const after = fields((await m.call("INFO", "commandstats", "errorstats")) as string);
    expect(after.has("cmdstat_set")).toBe(false);
    expect(after.has("errorstat_ERR")).toBe(false);
    await m.close();
  });

  test("a module's section merges into a built-in one; a new section is listed under modules", async () => {
    const plugin: ModuleSpec = {
      name: "fake-persistence",
      hooks: {
        info: {
          persistence: () => ["rdb_last_save_time:1234", "rdb_saves:7", "custom_field:1"],
          mything: () => ["answer:42"],
          keyspace: () => ["db0:subexpiry=5,extra=1"],
        },
      },
    };
    const m = createServer({
      builtins: [connectionModule, serverModule],
      modules: [plugin],
      log: false,
    });
    const p = (await m.call("INFO", "persistence")) as string;
    const f = fields(p);
    expect(f.get("rdb_last_save_time")).toBe("1234");
    expect(f.get("rdb_saves")).toBe("7");
    expect(f.get("loading")).toBe("0");
    expect(p.trimEnd().endsWith("custom_field:1")).toBe(true);
    expect(await m.call("LASTSAVE")).toBe(1234);
    expect(sections((await m.call("INFO")) as string)).not.toContain("mything");
    expect(sections((await m.call("INFO", "everything")) as string)).toContain("mything");
    expect(await m.call("INFO", "mything")).toBe("# mything\r\nanswer:42\r\n");
    // name=value lists merge by name: the module's figures, core's others.
    m.server.dbs[0].add("k", "v");
    expect(await m.call("INFO", "keyspace")).toBe(
      "# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0,subexpiry=5,extra=1\r\n",
    );
    await m.close();
  });

  test("renderInfo renders the requested section", async () => {
    const m = createServer({ builtins: [connectionModule, serverModule], log: false });
    await m.ready;
    expect(renderInfo(m.server, ["cluster"])).toBe("# Cluster\r\ncluster_enabled:0\r\n");
    await m.close();
  });

  test("bytesToHuman", () => {
    expect(bytesToHuman(100)).toBe("100B");
    expect(bytesToHuman(1536)).toBe("1.50K");
    expect(bytesToHuman(3 * 1024 * 1024)).toBe("3.00M");
  });
});
