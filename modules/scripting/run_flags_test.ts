import { describe, expect, test } from "bun:test";
import { createServer } from "../../mod.ts";
import { scriptRunFlags } from "./run_flags.ts";
import type { CommandFlag } from "../../core/spec.ts";

const BASE: CommandFlag[] = [
  "noscript",
  "skip_monitor",
  "may_replicate",
  "no_mandatory_keys",
  "stale",
];

describe("script run flags", () => {
  test("declared flags replace write / denyoom / stale / may_replicate; no shebang keeps them", async () => {
    const m = createServer({ log: false });
    await m.ready;
    const s = m.server;
    const of = (body: string) => scriptRunFlags(BASE, s, "eval", ["EVAL", body, "0"]).sort();
    expect(of("return 1")).toEqual([...BASE].sort());
    expect(of("#!lua\nreturn 1")).toEqual([
      "denyoom",
      "no_mandatory_keys",
      "noscript",
      "skip_monitor",
      "write",
    ]);
    expect(of("#!lua flags=no-writes\nreturn 1")).toEqual([
      "no_mandatory_keys",
      "noscript",
      "skip_monitor",
    ]);
    expect(of("#!lua flags=allow-oom,allow-stale\nreturn 1")).toEqual([
      "no_mandatory_keys",
      "noscript",
      "skip_monitor",
      "stale",
      "write",
    ]);
    // EVALSHA and FCALL look the script / function up; unknown ones keep the command's flags.
    const sha = String(await m.call("SCRIPT", "LOAD", "#!lua flags=no-writes\nreturn 1"));
    expect(scriptRunFlags(BASE, s, "evalsha", ["EVALSHA", sha, "0"])).not.toContain("write");
    expect(scriptRunFlags(BASE, s, "evalsha", ["EVALSHA", "f".repeat(40), "0"])).toEqual(BASE);
    await m.call(
      "FUNCTION",
      "LOAD",
      "#!lua name=lib\nredis.register_function('w', function() return 1 end)",
    );
    expect(scriptRunFlags(BASE, s, "fcall", ["FCALL", "w", "0"])).toContain("write");
    expect(scriptRunFlags(BASE, s, "fcall", ["FCALL", "nope", "0"])).toEqual(BASE);
    await m.close();
  });
});
