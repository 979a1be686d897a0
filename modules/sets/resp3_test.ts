import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RespClient } from "../../test/helpers/mod.ts";
import { type SetsHarness, setsHarness } from "./test_util.ts";

let h: SetsHarness;
let c: RespClient;
beforeAll(async () => {
  h = await setsHarness();
  const { port } = await h.m.listen();
  c = await RespClient.connect({ port });
  await c.send("HELLO", "3");
  await c.send("SADD", "s", "a");
});
afterAll(async () => {
  c.close();
  await h.m.close();
});

describe("RESP3 reply shapes (as redis-server sends them)", () => {
  test("sets where Redis sends sets, arrays where it sends arrays, nulls", async () => {
    expect(await c.send("SMEMBERS", "s")).toEqual({ set: ["a"] });
    expect(await c.send("SUNION", "s", "none")).toEqual({ set: ["a"] });
    expect(await c.send("SINTER", "s", "none")).toEqual({ set: [] });
    expect(await c.send("SDIFF", "s", "s")).toEqual({ set: [] });
    expect(await c.send("SPOP", "none", "3")).toEqual({ set: [] });
    expect(await c.send("SPOP", "s", "0")).toEqual({ set: [] });
    expect(await c.send("SRANDMEMBER", "s", "1")).toEqual(["a"]);
    expect(await c.send("SRANDMEMBER", "none", "3")).toEqual([]);
    expect(await c.send("SMISMEMBER", "s", "a")).toEqual([1]);
    expect(await c.send("SSCAN", "s", "0")).toEqual(["0", ["a"]]);
    expect(await c.send("SRANDMEMBER", "none")).toBe(null);
    expect(await c.send("SPOP", "none")).toBe(null);
    expect(await c.send("SPOP", "s", "1")).toEqual({ set: ["a"] });
  });
});
