import { describe, expect, test } from "bun:test";
import { globMatch } from "./glob.ts";

describe("globMatch", () => {
  const cases: [string, string, boolean][] = [
    ["*", "", true],
    ["*", "anything", true],
    ["h?llo", "hello", true],
    ["h?llo", "hllo", false],
    ["h*llo", "heeeello", true],
    ["h[ae]llo", "hallo", true],
    ["h[ae]llo", "hillo", false],
    ["h[^e]llo", "hallo", true],
    ["h[^e]llo", "hello", false],
    ["h[a-b]llo", "hbllo", true],
    ["h[b-a]llo", "hbllo", true],
    ["h\\*llo", "h*llo", true],
    ["h\\*llo", "hello", false],
    ["a*b*c", "aXbYc", true],
    ["a*b*c", "aXbY", false],
    ["foo[", "foo", false],
    ["\xff*", "\xff\x00", true],
  ];
  for (const [p, s, want] of cases) {
    test(`${JSON.stringify(p)} ~ ${JSON.stringify(s)}`, () => expect(globMatch(p, s)).toBe(want));
  }
  test("nocase", () => {
    expect(globMatch("MAX*", "maxmemory", true)).toBe(true);
    expect(globMatch("MAX*", "maxmemory")).toBe(false);
  });
  test("more than 1000 nested '*' groups never match, as in Redis", () => {
    expect(globMatch("*?".repeat(1000), "x".repeat(1000))).toBe(true);
    expect(globMatch("*?".repeat(50000), "x".repeat(50000))).toBe(false);
  });
  test("hostile patterns stay fast", () => {
    const t = performance.now();
    expect(globMatch("a*".repeat(50) + "b", "a".repeat(5000))).toBe(false);
    expect(performance.now() - t).toBeLessThan(500);
  });
});
