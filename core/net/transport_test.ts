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

  test("files: write, fsync off the event loop, read back, link, remove", async () => {
    const host = await detectHost();
    const path = `/tmp/modis-host-${host.pid}-${Math.floor(Math.random() * 1e9)}.bin`;
    const f = host.openFile(path, "write");
    f.write(new Uint8Array([1, 2, 3]));
    const pending = f.syncAsync();
    expect(pending).toBeInstanceOf(Promise);
    await pending;
    f.close();
    expect(host.fileSize(path)).toBe(3);
    const r = host.openFile(path, "read");
    const buf = new Uint8Array(8);
    expect(r.read(buf)).toBe(3);
    r.close();
    // A second name keeps the data when the first goes (how saves defer freeing old files).
    host.linkFile(path, `${path}.old`);
    await host.removeFile(path);
    expect(host.fileSize(path)).toBe(-1);
    expect(host.fileSize(`${path}.old`)).toBe(3);
    await host.removeFile(`${path}.old`);
    expect(() => host.linkFile(path, `${path}.old`)).toThrow();
  });
});
