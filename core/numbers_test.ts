import { describe, expect, test } from "bun:test";
import {
  formatDouble,
  formatHumanDouble,
  parseDouble,
  parseInt64,
  parseInteger,
} from "./numbers.ts";

describe("integers", () => {
  test("canonical forms only", () => {
    expect(parseInteger("0")).toBe(0);
    expect(parseInteger("-12")).toBe(-12);
    for (const bad of ["", "-", "+1", "01", "-0", " 1", "1 ", "1.0", "1e3", "abc"]) {
      expect(parseInteger(bad)).toBeNull();
    }
  });
  test("int64 limits", () => {
    expect(parseInt64("9223372036854775807")).toBe(9223372036854775807n);
    expect(parseInt64("-9223372036854775808")).toBe(-9223372036854775808n);
    expect(parseInt64("9223372036854775808")).toBeNull();
    expect(parseInteger("9223372036854775808")).toBeNull();
  });
});

describe("doubles", () => {
  test("parse like strtod without NaN", () => {
    expect(parseDouble("1.5")).toBe(1.5);
    expect(parseDouble(".5")).toBe(0.5);
    expect(parseDouble("1e3")).toBe(1000);
    expect(parseDouble("+inf")).toBe(Infinity);
    expect(parseDouble("-Infinity")).toBe(-Infinity);
    expect(parseDouble("0x10")).toBe(16);
    for (const bad of ["", "nan", " 1", "1 ", "1.2.3", "abc"]) expect(parseDouble(bad)).toBeNull();
  });
  test("reply formatting (Redis 7.4 d2string)", () => {
    expect(formatDouble(3)).toBe("3");
    expect(formatDouble(1.5)).toBe("1.5");
    expect(formatDouble(-0)).toBe("-0");
    expect(formatDouble(0.1)).toBe("0.1");
    expect(formatDouble(1e21)).toBe("1e+21");
    expect(formatDouble(1.234e-4)).toBe("1.234e-4");
    expect(formatDouble(0.001)).toBe("0.001");
    expect(formatDouble(-Infinity)).toBe("-inf");
  });
  test("human formatting (INCRBYFLOAT)", () => {
    expect(formatHumanDouble(10.6)).toBe("10.6");
    expect(formatHumanDouble(5e21)).toBe("5000000000000000000000");
    expect(formatHumanDouble(3)).toBe("3");
    expect(formatHumanDouble(1e-10)).toBe("0.0000000001");
  });
});
