import { describe, expect, test } from "bun:test";
import { formatEventClasses, parseEventClasses } from "./notifications.ts";

describe("notify-keyspace-events", () => {
  test("parsing expands A and refuses unknown letters", () => {
    expect(parseEventClasses("KEA")).toBe("KEg$lshzxetd");
    expect(parseEventClasses("")).toBe("");
    expect(parseEventClasses("Kq")).toBeNull();
  });

  test("Redis's canonical spelling", () => {
    for (
      const [input, shown] of [
        ["gKE", "gKE"],
        ["$lshzxeKE", "$lshzxeKE"],
        ["KA", "AK"],
        ["EA", "AE"],
        ["mEn", "nEm"],
        ["AnKE", "AKE"],
      ]
    ) {
      expect(formatEventClasses(parseEventClasses(input)!)).toBe(shown);
    }
  });
});
