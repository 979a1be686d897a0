import { describe, expect, test } from "bun:test";
import { luaErrorOf, runLua } from "../test_util.ts";

const fmt = (f: string, ...args: (string | number)[]) =>
  runLua("return string.format(...)", [f, ...args])[0];

describe("string.format", () => {
  test("integers with flags, width and precision", () => {
    expect(fmt("%d|%5d|%-5d|%05d|%+d|% d", 42, 42, 42, 42, 42, 42)).toBe(
      "42|   42|42   |00042|+42| 42",
    );
    expect(fmt("%.3d|%5.3d|%x|%X|%#x|%o|%#o", 7, 7, 255, 255, 255, 8, 8)).toBe(
      "007|  007|ff|FF|0xff|10|010",
    );
    expect(fmt("%d %d", 3.99, -3.99)).toBe("3 -3");
    expect(fmt("%d", 2 ** 63)).toBe("-9223372036854775808");
    expect(fmt("%u %x", -1, -1)).toBe("18446744073709551615 ffffffffffffffff");
    expect(fmt("%c%c", 72, 256 + 105)).toBe("Hi");
  });

  test("floats", () => {
    expect(fmt("%f|%.2f|%10.3f|%-10.1f|", 3.14159, 3.14159, 3.14159, 3.14159)).toBe(
      "3.141590|3.14|     3.142|3.1       |",
    );
    expect(fmt("%e|%.2E", 12345.678, 0.000123)).toBe("1.234568e+04|1.23E-04");
    expect(fmt("%g|%g|%g|%G", 100000, 1e6, 1e-5, 1e-20)).toBe("100000|1e+06|1e-05|1E-20");
    expect(fmt("%.0f %.0f %.0f", 0.5, 1.5, 2.5)).toBe("0 2 2");
    expect(fmt("%5.1f|%05.1f", -2.5, -2.5)).toBe(" -2.5|-02.5");
    expect(fmt("%f %f", 1 / 0, -1 / 0)).toBe("inf -inf");
    expect(fmt("%.14g", 0.1 + 0.2)).toBe("0.3");
  });

  test("strings, %q and %%", () => {
    expect(fmt("%s|%5s|%-5s|%.2s", "abc", "abc", "abc", "abc")).toBe("abc|  abc|abc  |ab");
    expect(fmt("%s", 1.5)).toBe("1.5");
    expect(fmt("%q", 'a\nb"c\\\0\r')).toBe('"a\\\nb\\"c\\\\\\000\\r"');
    expect(fmt("100%%")).toBe("100%");
    const long = "x".repeat(150);
    expect(fmt("%5s", long)).toBe(long);
  });

  test("errors", () => {
    expect(luaErrorOf("string.format('%d')")).toBe(
      "user_script:1: bad argument #2 to 'format' (no value)",
    );
    expect(luaErrorOf("string.format('%d', 'x')")).toBe(
      "user_script:1: bad argument #2 to 'format' (number expected, got string)",
    );
    expect(luaErrorOf("string.format('%y', 1)")).toBe(
      "user_script:1: invalid option '%y' to 'format'",
    );
    expect(luaErrorOf("string.format('%123d', 1)")).toBe(
      "user_script:1: invalid format (width or precision too long)",
    );
    expect(luaErrorOf("string.format('%------d', 1)")).toBe(
      "user_script:1: invalid format (repeated flags)",
    );
  });
});
