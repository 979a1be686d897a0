import { describe, expect, test } from "bun:test";
import { addLongDouble, formatLongDouble, parseLongDouble } from "./long_double.ts";

/** a + b printed like Redis's INCRBYFLOAT, or null when an operand is refused. */
function sum(a: string, b: string): string | null {
  const x = parseLongDouble(a);
  const y = parseLongDouble(b);
  return x && y ? formatLongDouble(addLongDouble(x, y)) : null;
}

describe("long double", () => {
  // Expected digits recorded from redis-server 7.0.15 on x86-64.
  test("sums print like redis-server", () => {
    expect(sum("0.1", "0.2")).toBe("0.3");
    expect(sum("10.5", "0.1")).toBe("10.6");
    expect(sum("100000.1", "0")).toBe("100000.10000000000000142");
    expect(sum("3.0e-5", "0")).toBe("0.00003");
    expect(sum("0", "1.23456789012345678")).toBe("1.23456789012345678");
    expect(sum("0x10", "1")).toBe("17");
    expect(sum("1", "1e-20")).toBe("1");
    expect(sum("-1.1", "1")).toBe("-0.1");
    expect(sum("-0.00000000000000000001", "0")).toBe("0");
    expect(sum("1e300", "1")).toBe(
      "1000000000000000000008997324079559193870523944273290747938260082321265646596180935755849152083750497190350372508614274835903592556184672983913096260520748646287327135641843653294084255107606016789726652932370030551382947620994540294772781889620606179267611627097410650567187386105690089424915104006144",
    );
  });

  test("parsing follows strtold with Redis's restrictions", () => {
    for (
      const ok of ["1", "-1.5", ".5", "5.", "+2", "1e10", "1E-10", "0x1p4", "inf", "-Infinity"]
    ) {
      expect(parseLongDouble(ok)).not.toBeNull();
    }
    for (
      const bad of ["", " 1", "1 ", "nan", "1e", ".", "0x", "abc", "1\x002", "1e5000", "1e-5000"]
    ) {
      expect(parseLongDouble(bad)).toBeNull();
    }
    expect(parseLongDouble("1".repeat(5200))).toBeNull();
  });

  test("infinities and NaN", () => {
    const inf = parseLongDouble("inf")!;
    const ninf = parseLongDouble("-inf")!;
    expect(addLongDouble(inf, parseLongDouble("1")!).kind).toBe("inf");
    expect(addLongDouble(inf, ninf).kind).toBe("nan");
    expect(formatLongDouble(ninf)).toBe("-inf");
  });

  test("rounding to 64-bit mantissa, half to even", () => {
    // 2^64 + 1 is not representable: it rounds down to 2^64 (tie goes to even).
    expect(sum("18446744073709551617", "0")).toBe("18446744073709551616");
    // 2^64 + 3 rounds up to 2^64 + 4.
    expect(sum("18446744073709551619", "0")).toBe("18446744073709551620");
  });
});
