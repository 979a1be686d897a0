/**
 * Argument parsing shared by the geo commands, with Redis's error texts: coordinates
 * (strict doubles, then the Mercator range check whose error prints both values with six
 * decimals, like C's "%f"), lengths ("need numeric radius" and friends) and units.
 */

import { NOT_FLOAT, ReplyError } from "../../core/errors.ts";
import { parseScore } from "../sorted_sets/ranges.ts";
import { GEO_LAT_MAX, GEO_LAT_MIN, GEO_LONG_MAX, GEO_LONG_MIN } from "./geohash.ts";

/**
 * Parse a double the way Redis's getDoubleFromObject does, or throw `err`.
 *
 * @example
 * ```ts
 * parseFloatArg("1.5", "ERR need numeric radius"); // 1.5
 * ```
 */
export function parseFloatArg(s: string, err: string = NOT_FLOAT): number {
  const v = parseScore(s);
  if (v === null) throw new ReplyError(err);
  return v;
}

/** C's "%f" (six decimals) for the range error. */
function cFixed(d: number): string {
  if (Number.isNaN(d)) return "nan";
  if (!Number.isFinite(d)) return d > 0 ? "inf" : "-inf";
  return d.toFixed(6);
}

/**
 * Parse and range-check a longitude/latitude pair.
 *
 * @example
 * ```ts
 * lonLatArgs("13.361389", "38.115556"); // [13.361389, 38.115556]
 * lonLatArgs("200", "100"); // throws "ERR invalid longitude,latitude pair 200.000000,100.000000"
 * ```
 */
export function lonLatArgs(lonArg: string, latArg: string): [number, number] {
  const lon = parseFloatArg(lonArg);
  const lat = parseFloatArg(latArg);
  if (lon < GEO_LONG_MIN || lon > GEO_LONG_MAX || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX) {
    throw new ReplyError(`ERR invalid longitude,latitude pair ${cFixed(lon)},${cFixed(lat)}`);
  }
  return [lon, lat];
}

const UNITS: Record<string, number> = { m: 1, km: 1000, ft: 0.3048, mi: 1609.34 };

/**
 * Meters per unit for m, km, ft, mi (any case).
 *
 * @example
 * ```ts
 * unitArg("KM"); // 1000
 * ```
 */
export function unitArg(unit: string): number {
  const v = UNITS[unit.toLowerCase()];
  if (v === undefined || !Object.hasOwn(UNITS, unit.toLowerCase())) {
    throw new ReplyError("ERR unsupported unit provided. please use M, KM, FT, MI");
  }
  return v;
}
