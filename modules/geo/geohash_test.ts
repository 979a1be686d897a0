import { describe, expect, test } from "bun:test";
import {
  cellScoreRange,
  decodeCell,
  distance,
  encodeCell,
  geohashString,
  neighbours,
  scoreOf,
  scoreToLonLat,
  searchCells,
  within,
} from "./geohash.ts";
import { formatCoord, formatDistance } from "./search.ts";

// Expected values are what redis-server answers for the same inputs.
describe("geohash", () => {
  test("scores of positions", () => {
    expect(scoreOf(13.361389, 38.115556)).toBe(3479099956230698);
    expect(scoreOf(15.087269, 37.502669)).toBe(3479447370796909);
    expect(scoreOf(180, 85.05112878)).toBe(13510798882111488);
    expect(scoreOf(-180, -85.05112878)).toBe(0);
  });

  test("decoding a score gives the cell center, printed like Redis", () => {
    const [lon, lat] = scoreToLonLat(3479099956230698);
    expect(formatCoord(lon)).toBe("13.36138933897018433");
    expect(formatCoord(lat)).toBe("38.11555639549629859");
    const [elon, elat] = scoreToLonLat(13510798882111488);
    expect(formatCoord(elon)).toBe("180");
    expect(formatCoord(elat)).toBe("85.0511287799999991");
  });

  test("fast and BigInt decoders agree", () => {
    for (let i = 0; i < 1000; i++) {
      const score = Math.floor(Math.random() * 2 ** 52);
      const area = decodeCell({ bits: BigInt(score), step: 26 });
      const [lon, lat] = scoreToLonLat(score);
      expect(lon).toBe((area.lonMin + area.lonMax) / 2);
      expect(lat).toBe((area.latMin + area.latMax) / 2);
    }
  });

  test("standard geohash strings", () => {
    expect(geohashString(3479099956230698)).toBe("sqc8b49rny0");
    expect(geohashString(3479447370796909)).toBe("sqdtr74hyu0");
  });

  test("distances and their 4-decimal form", () => {
    const d = distance(
      13.36138933897018433,
      38.11555639549629859,
      15.08726745843887329,
      37.50266842333162032,
    );
    expect(formatDistance(d / 1000)).toBe("166.2742");
    expect(formatDistance(0)).toBe("0.0000");
    expect(formatDistance(0.00005)).toBe("0.0000"); // llrint(0.5) rounds to even
    expect(formatDistance(1.23456)).toBe("1.2346");
    expect(distance(1, 2, 1, 3)).toBeCloseTo(111226.29, 1);
  });

  test("neighbours surround the cell", () => {
    const cell = encodeCell(10, 10, 10)!;
    const c = decodeCell(cell);
    const [n, s, e, w] = neighbours(cell).map((x) => decodeCell(x));
    expect(n.latMin).toBeCloseTo(c.latMax, 9);
    expect(s.latMax).toBeCloseTo(c.latMin, 9);
    expect(e.lonMin).toBeCloseTo(c.lonMax, 9);
    expect(w.lonMax).toBeCloseTo(c.lonMin, 9);
  });

  test("search cells cover the shape; score ranges are aligned to 52 bits", () => {
    const shape = { lon: 15, lat: 37, conversion: 1000, radius: 200 };
    const cells = searchCells(shape);
    expect(cells.length).toBe(9);
    expect(cells[0]).not.toBeNull();
    const [min, max] = cellScoreRange(cells[0]!);
    expect(max - min).toBe(2 ** (52 - 2 * cells[0]!.step));
    expect(within(shape, 15.087269, 37.502669)).toBeGreaterThan(0);
    expect(within({ lon: 0, lat: 0, conversion: 1, width: 10, height: 10 }, 0.001, 0)).toBe(-1);
  });
});
