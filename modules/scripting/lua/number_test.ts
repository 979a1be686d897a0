import { describe, expect, test } from "bun:test";
import { formatE, formatFixed, formatG, numberToString, stringToNumber } from "./number.ts";

describe("number formatting (glibc printf semantics)", () => {
  test("%.14g as used by tostring", () => {
    const cases: [number, string][] = [
      [1e15, "1e+15"],
      [1e14, "1e+14"],
      [99999999999999, "99999999999999"],
      [123456789012345, "1.2345678901234e+14"], // exact tie rounds to even
      [0.1, "0.1"],
      [1 / 3, "0.33333333333333"],
      [-0, "-0"],
      [1e-5, "1e-05"],
      [0.0001, "0.0001"],
      [2 ** 63, "9.2233720368548e+18"],
      [5e-324, "4.9406564584125e-324"],
      [Infinity, "inf"],
      [-Infinity, "-inf"],
      [100, "100"],
      [1.5, "1.5"],
    ];
    for (const [x, s] of cases) expect(numberToString(x)).toBe(s);
  });

  test("%f, %e, %g with ties to even and large magnitudes", () => {
    expect(formatFixed(0.5, 0)).toBe("0");
    expect(formatFixed(1.5, 0)).toBe("2");
    expect(formatFixed(2.5, 0)).toBe("2");
    expect(formatFixed(0.125, 2)).toBe("0.12");
    expect(formatFixed(2.675, 2)).toBe("2.67"); // 2.675 is below the tie in binary
    expect(formatFixed(1e22, 1)).toBe("10000000000000000000000.0");
    expect(formatFixed(0.0004, 3)).toBe("0.000");
    expect(formatFixed(0.0006, 3)).toBe("0.001");
    expect(formatFixed(999.9996, 3)).toBe("1000.000");
    expect(formatE(12345.6789, 6)).toBe("1.234568e+04");
    expect(formatE(0, 2)).toBe("0.00e+00");
    expect(formatE(9.96, 1)).toBe("1.0e+01");
    expect(formatG(100000, 6)).toBe("100000");
    expect(formatG(1000000, 6)).toBe("1e+06");
    expect(formatG(0.0001, 6)).toBe("0.0001");
    expect(formatG(1, 6, true)).toBe("1.00000");
    expect(formatG(9.9999999, 6)).toBe("10");
  });
});

describe("string to number (strtod as on Linux)", () => {
  test("accepted forms", () => {
    expect(stringToNumber("  12  ")).toBe(12);
    expect(stringToNumber("0x1F")).toBe(31);
    expect(stringToNumber("-0x10")).toBe(-16);
    expect(stringToNumber("1e2")).toBe(100);
    expect(stringToNumber(".5")).toBe(0.5);
    expect(stringToNumber("5.")).toBe(5);
    expect(stringToNumber("inf")).toBe(Infinity);
    expect(stringToNumber("nan")).toBeNaN();
  });
  test("rejected forms", () => {
    for (const s of ["", " ", "12a", "1e", "0x", "--1", "1 2"]) {
      expect(stringToNumber(s)).toBeUndefined();
    }
  });
});
