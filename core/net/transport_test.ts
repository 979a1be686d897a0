import { describe, expect, test } from "bun:test";
import { detectHost } from "./transport.ts";

describe("Host", () => {
  test("heapUsed reports the engine's heap, growing with live data", async () => {
    const host = await detectHost();
    const before = host.heapUsed();
    expect(before).toBeGreaterThan(0);
    const keep = Array.from({ length: 20000 }, (_, i) => ({ i, s: `value-${i}` }));
    expect(host.heapUsed()).toBeGreaterThanOrEqual(before);
    expect(keep.length).toBe(20000);
  });
});
