import { describe, expect, test } from "bun:test";
import { listsHarness } from "./test_util.ts";
import { listType, ListValue } from "./list_type.ts";

async function withFill(fill: string) {
  const h = await listsHarness();
  h.m.server.config.set("list-max-listpack-size", fill, "config-set");
  const enc = () => h.run("OBJECT", "ENCODING", "k");
  return { h, enc };
}

describe("encodings", () => {
  test("a count limit: listpack up to N entries, back at N/2", async () => {
    const { h, enc } = await withFill("3");
    await h.run("RPUSH", "k", "a", "b", "c");
    expect(await enc()).toBe("listpack");
    await h.run("RPUSH", "k", "d");
    expect(await enc()).toBe("quicklist");
    await h.run("RPOP", "k", 2);
    expect(await enc()).toBe("quicklist");
    await h.run("RPOP", "k");
    expect(await enc()).toBe("listpack");
  });

  test("a byte limit counts listpack bytes; LINSERT, LSET and LMOVE convert too", async () => {
    const { h, enc } = await withFill("-1");
    const large = "x".repeat(8192);
    await h.run("RPUSH", "k", "a", "b", "c");
    await h.run("LINSERT", "k", "AFTER", "b", large);
    expect(await enc()).toBe("quicklist");
    await h.run("LREM", "k", 1, large);
    expect(await enc()).toBe("listpack");
    await h.run("LSET", "k", 0, large);
    expect(await enc()).toBe("quicklist");
    await h.run("LSET", "k", 0, "a");
    expect(await enc()).toBe("listpack");
    await h.run("RPUSH", "src", large);
    await h.run("LMOVE", "src", "k", "LEFT", "LEFT");
    expect(await enc()).toBe("quicklist");
  });

  test("0 means one entry; values below -5 mean 64KB", async () => {
    const { h, enc } = await withFill("0");
    await h.run("RPUSH", "k", "a");
    expect(await enc()).toBe("listpack");
    await h.run("RPUSH", "k", "b");
    expect(await enc()).toBe("quicklist");
    h.m.server.config.set("list-max-listpack-size", "-6", "config-set");
    await h.run("DEL", "k");
    await h.run("RPUSH", "k", "x".repeat(60000));
    expect(await enc()).toBe("listpack");
    await h.run("RPUSH", "k", "x".repeat(5536));
    expect(await enc()).toBe("quicklist");
  });

  test("the alias and list-compress-depth are accepted", async () => {
    const { h } = await withFill("-2");
    h.m.server.config.set("list-max-ziplist-size", "5", "config-set");
    expect(h.m.server.config.get("list-max-listpack-size")).toBe("5");
    h.m.server.config.set("list-compress-depth", "2", "config-set");
    expect(h.m.server.config.get("list-compress-depth")).toBe("2");
  });
});

describe("TypeSpec", () => {
  test("copy is deep and keeps the encoding; from() picks the encoding", () => {
    const items = Array.from({ length: 2000 }, (_, i) => `v${i}`);
    const a = ListValue.from(items, -2);
    expect(listType.encoding(a)).toBe("quicklist");
    const b = listType.copy(a);
    b.popHead();
    expect(a.length).toBe(2000);
    expect(b.toArray()).toEqual(items.slice(1));
    expect(listType.encoding(b)).toBe("quicklist");
    expect(listType.encoding(ListValue.from(["a"], -2))).toBe("listpack");
    expect(listType.length!(a)).toBe(2000);
    expect(listType.memoryUsage!(a)).toBeGreaterThan(2000 * 5);
  });

  test("COPY and RENAME carry lists", async () => {
    const h = await listsHarness();
    await h.run("RPUSH", "k", "a", "b");
    expect(await h.run("COPY", "k", "k2")).toBe(1);
    await h.run("RPUSH", "k2", "c");
    expect(await h.run("LRANGE", "k", 0, -1)).toEqual(["a", "b"]);
    expect(await h.run("TYPE", "k2")).toBe("list");
  });
});
