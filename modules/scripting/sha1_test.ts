import { describe, expect, test } from "bun:test";
import { sha1hex } from "./sha1.ts";

describe("sha1hex", () => {
  test("known vectors", () => {
    expect(sha1hex("")).toBe("da39a3ee5e6b4b0d3255bfef95601890afd80709");
    expect(sha1hex("abc")).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
    expect(sha1hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).toBe(
      "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
    );
    expect(sha1hex("a".repeat(1000000))).toBe("34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  });

  test("binary input and every padding boundary agree with WebCrypto", async () => {
    for (const n of [1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 300]) {
      let s = "";
      for (let i = 0; i < n; i++) s += String.fromCharCode((i * 37 + 11) & 255);
      const bytes = Uint8Array.from(s, (c) => c.charCodeAt(0));
      const ref = new Uint8Array(await crypto.subtle.digest("SHA-1", bytes));
      expect(sha1hex(s)).toBe(Array.from(ref, (b) => b.toString(16).padStart(2, "0")).join(""));
    }
  });
});
