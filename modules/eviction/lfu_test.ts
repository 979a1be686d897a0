import { describe, expect, test } from "bun:test";
import {
  LFU_INIT_VAL,
  lfuDecayed,
  lfuIncrement,
  lfuKeyAccess,
  lfuMinutes,
  lfuWord,
} from "./lfu.ts";

describe("LFU counter", () => {
  test("new keys start at 5 and climb logarithmically", () => {
    const ka = lfuKeyAccess({ logFactor: 10, decayMinutes: 1 });
    const now = 1_700_000_000_000;
    let w = ka.created(now);
    expect(ka.frequency(w, now)).toBe(LFU_INIT_VAL);
    for (let i = 0; i < 1000; i++) w = ka.touched(w, now);
    const f = ka.frequency(w, now);
    // ~1000 hits with factor 10 land in the low twenties (Redis's table: 100 hits → 10-18, 1K → 18-30)
    expect(f).toBeGreaterThan(12);
    expect(f).toBeLessThan(35);
  });

  test("increment probability and saturation", () => {
    expect(lfuIncrement(5, 10, () => 0.99)).toBe(6); // base 0: always
    expect(lfuIncrement(15, 10, () => 0.5)).toBe(15); // p = 1/101
    expect(lfuIncrement(15, 10, () => 0.005)).toBe(16);
    expect(lfuIncrement(255, 0, () => 0)).toBe(255);
  });

  test("decay: one point per decay period, never below zero, minutes wrap", () => {
    const t0 = 60000 * 100;
    const w = lfuWord(10, t0);
    expect(lfuDecayed(w, t0 + 59_999, 1)).toBe(10);
    expect(lfuDecayed(w, t0 + 3 * 60000, 1)).toBe(7);
    expect(lfuDecayed(w, t0 + 6 * 60000, 2)).toBe(7);
    expect(lfuDecayed(w, t0 + 60 * 60000, 1)).toBe(0);
    expect(lfuDecayed(w, t0 + 60 * 60000, 0)).toBe(10);
    const late = 60000 * 0xffff;
    expect(lfuMinutes(late)).toBe(0xffff);
    expect(lfuDecayed(lfuWord(10, late), late + 2 * 60000, 1)).toBe(8);
  });

  test("RESTORE FREQ round trip", () => {
    const ka = lfuKeyAccess({ logFactor: 10, decayMinutes: 1 });
    expect(ka.frequency(ka.fromFrequency(100, 5000), 5000)).toBe(100);
  });
});
