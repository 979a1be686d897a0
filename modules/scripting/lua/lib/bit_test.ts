import { describe, expect, test } from "bun:test";
import { runLua } from "../test_util.ts";
import { toBit } from "./bit.ts";

describe("bit (LuaBitOp semantics)", () => {
  test("tobit wraps to signed 32 bits, rounding ties to even", () => {
    expect([toBit(0xffffffff), toBit(2 ** 32 + 5), toBit(1.5), toBit(2.5), toBit(-1.5)]).toEqual([
      -1,
      5,
      2,
      2,
      -2,
    ]);
  });

  test("logic, shifts, rotations, bswap, tohex", () => {
    expect(runLua("return bit.band(0xff, 0x0f), bit.bor(1, 2, 4), bit.bxor(5, 3), bit.bnot(0)"))
      .toEqual([15, 7, 6, -1]);
    expect(
      runLua(
        "return bit.lshift(1, 31), bit.rshift(-1, 28), bit.arshift(-256, 4), bit.lshift(1, 33)",
      ),
    )
      .toEqual([-2147483648, 15, -16, 2]);
    expect(runLua("return bit.rol(0x12345678, 8), bit.ror(0x12345678, 8), bit.bswap(0x12345678)"))
      .toEqual([0x34567812, 0x78123456, 0x78563412]);
    expect(runLua("return bit.tohex(255), bit.tohex(-1, 4), bit.tohex(0xabcd, -4)")).toEqual([
      "000000ff",
      "ffff",
      "ABCD",
    ]);
  });
});
