import { describe, expect, test } from "bun:test";
import { commandKeys } from "../../core/commands.ts";
import { keysFixture } from "./testing.ts";
import { keysModule } from "./mod.ts";

describe("keys module registration", () => {
  test("every command has a handler (or subcommands that do) and a summary of its own", () => {
    for (const cmd of keysModule.commands!) {
      const leaves = cmd.subcommands ?? [cmd];
      for (const leaf of leaves) {
        expect(typeof leaf.handler).toBe("function");
        expect(leaf.summary.length).toBeGreaterThan(10);
      }
    }
  });

  test("key specs find the keys Redis's specs find", async () => {
    const fx = await keysFixture();
    try {
      const keysOf = (...argv: string[]) => {
        const entry = fx.modis.server.commands.lookup(argv)!;
        return commandKeys(entry.spec, argv);
      };
      expect(keysOf("DEL", "a", "b", "c")).toEqual([1, 2, 3]);
      expect(keysOf("EXISTS", "a")).toEqual([1]);
      expect(keysOf("RENAME", "a", "b")).toEqual([1, 2]);
      expect(keysOf("COPY", "a", "b", "DB", "1", "REPLACE")).toEqual([1, 2]);
      expect(keysOf("MOVE", "a", "1")).toEqual([1]);
      expect(keysOf("PEXPIREAT", "a", "1", "NX")).toEqual([1]);
      expect(keysOf("OBJECT", "ENCODING", "a")).toEqual([2]);
      expect(keysOf("SCAN", "0")).toEqual([]);
      expect(keysOf("FLUSHALL")).toEqual([]);
      const flags = (name: string) => [...fx.modis.server.commands.get(name)!.flags].sort();
      expect(flags("unlink")).toEqual(["fast", "write"]);
      expect(flags("copy")).toEqual(["denyoom", "write"]);
      expect(fx.modis.server.commands.get("flushall")!.aclCategories).toContain("dangerous");
    } finally {
      await fx.close();
    }
  });
});
