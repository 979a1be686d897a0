/**
 * Geohash arithmetic as Redis does it, so that geo sorted sets hold the same scores and
 * searches visit the same cells, find the same members and report the same numbers.
 *
 * Scores. A position is stored as the 52-bit interleave of two 26-bit cell numbers:
 * latitude (Web Mercator's limits, ±85.05112878°) in the even bits, longitude in the odd
 * bits, each the truncated fraction of its range times 2^26. The score is that integer as a
 * double. Decoding takes the middle of the cell, which is why a stored point reads back
 * slightly moved (GEOPOS of 13.361389 gives 13.36138933897018433).
 *
 * Representation in JS. Per-member decoding is on the hot path of every search, so scores
 * (integers below 2^53 in practice) are split into two 26-bit halves and de-interleaved with
 * 32-bit integer operations — no BigInt. The rarer operations on cell numbers (encoding the
 * search center, moving to the 8 neighbour cells, the GEOHASH string) use BigInt, where the
 * 64-bit masks of Redis's bit tricks can be written directly.
 *
 * Searches. A radius or box becomes a bounding box, a cell size (step) guessed from the
 * radius and shrunk once if the neighbours do not cover the box, then the center cell and
 * its 8 neighbours, minus the neighbours the box does not reach (only from step 2 on). Each
 * cell is one score interval [min, max) of the sorted set. Neighbour order, the skipping of
 * a neighbour equal to the one processed just before it, distances (haversine on a sphere of
 * radius 6372797.560856 m) and the box test are Redis's, so results and their unsorted order
 * match.
 */

/** Bits per coordinate in a stored score. */
export const GEO_STEP_MAX = 26;
/** Mercator latitude limits (the valid input range). */
export const GEO_LAT_MIN = -85.05112878;
/** Mercator latitude limits (the valid input range). */
export const GEO_LAT_MAX = 85.05112878;
/** Longitude limits. */
export const GEO_LONG_MIN = -180;
/** Longitude limits. */
export const GEO_LONG_MAX = 180;

const D_R = Math.PI / 180.0;
const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const TWO26 = 2 ** 26;

/** A coordinate range (Redis's GeoHashRange). */
interface Range {
  min: number;
  max: number;
}

const WGS84_LONG: Range = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
const WGS84_LAT: Range = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };

/** A cell: its interleaved bits and the bits per coordinate. step 0 = "no cell". */
export interface Cell {
  bits: bigint;
  step: number;
}

/** The extent of a cell in degrees. */
export interface Area {
  lonMin: number;
  lonMax: number;
  latMin: number;
  latMax: number;
}

function degRad(a: number): number {
  return a * D_R;
}

function radDeg(a: number): number {
  return a / D_R;
}

/** Spread the low 16 bits of x to the even bits of a 32-bit word. */
function spread16(x: number): number {
  x &= 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  x = (x | (x << 1)) & 0x55555555;
  return x >>> 0;
}

/** Gather the even bits of a 32-bit word into its low 16 bits. */
function squash32(x: number): number {
  x &= 0x55555555;
  x = (x | (x >>> 1)) & 0x33333333;
  x = (x | (x >>> 2)) & 0x0f0f0f0f;
  x = (x | (x >>> 4)) & 0x00ff00ff;
  x = (x | (x >>> 8)) & 0x0000ffff;
  return x;
}

/** Interleave two 32-bit values (x to even bits, y to odd bits) into a 64-bit BigInt. */
function interleave(x: number, y: number): bigint {
  const low = (spread16(x) | (spread16(y) << 1)) >>> 0;
  const high = (spread16(x >>> 16) | (spread16(y >>> 16) << 1)) >>> 0;
  return (BigInt(high) << 32n) | BigInt(low);
}

/** Truncate a non-negative double to uint32 as C's cast does for in-range values. */
function toUint32(d: number): number {
  return Math.trunc(d) >>> 0;
}

/**
 * Encode a position into a cell of `step` bits per coordinate over the given ranges (Redis's
 * geohashEncode); null when out of range.
 *
 * @example
 * ```ts
 * encodeCell(13.361389, 38.115556, 26)!.bits; // 3479099956230698n
 * ```
 */
export function encodeCell(
  lon: number,
  lat: number,
  step: number,
  ranges: { lon: Range; lat: Range } = { lon: WGS84_LONG, lat: WGS84_LAT },
): Cell | null {
  if (lon > GEO_LONG_MAX || lon < GEO_LONG_MIN || lat > GEO_LAT_MAX || lat < GEO_LAT_MIN) {
    return null;
  }
  if (
    lat < ranges.lat.min || lat > ranges.lat.max || lon < ranges.lon.min || lon > ranges.lon.max
  ) return null;
  let latOffset = (lat - ranges.lat.min) / (ranges.lat.max - ranges.lat.min);
  let lonOffset = (lon - ranges.lon.min) / (ranges.lon.max - ranges.lon.min);
  latOffset *= 2 ** step;
  lonOffset *= 2 ** step;
  return { bits: interleave(toUint32(latOffset), toUint32(lonOffset)), step };
}

/**
 * The sorted-set score of a position (its 52-bit cell as a double).
 *
 * @example
 * ```ts
 * scoreOf(13.361389, 38.115556); // 3479099956230698
 * ```
 */
export function scoreOf(lon: number, lat: number): number {
  const cell = encodeCell(lon, lat, GEO_STEP_MAX)!;
  return Number(cell.bits);
}

/**
 * The area of a cell (Redis's geohashDecode over the Mercator ranges, or given ones).
 *
 * @example
 * ```ts
 * decodeCell({ bits: 0n, step: 1 }).latMax; // 0
 * ```
 */
export function decodeCell(
  cell: Cell,
  ranges: { lon: Range; lat: Range } = { lon: WGS84_LONG, lat: WGS84_LAT },
): Area {
  const mask = (1n << 64n) - 1n;
  const bits = cell.bits & mask;
  let latInt = 0, lonInt = 0;
  for (let word = 0; word < 2; word++) {
    const w = Number((bits >> BigInt(32 * word)) & 0xffffffffn);
    latInt += squash32(w) * 2 ** (16 * word);
    lonInt += squash32(w >>> 1) * 2 ** (16 * word);
  }
  return areaOf(latInt >>> 0, lonInt >>> 0, cell.step, ranges);
}

function areaOf(
  latInt: number,
  lonInt: number,
  step: number,
  ranges: { lon: Range; lat: Range },
): Area {
  const latScale = ranges.lat.max - ranges.lat.min;
  const lonScale = ranges.lon.max - ranges.lon.min;
  const cells = 2 ** step;
  return {
    latMin: ranges.lat.min + (latInt * 1.0 / cells) * latScale,
    latMax: ranges.lat.min + ((latInt + 1) * 1.0 / cells) * latScale,
    lonMin: ranges.lon.min + (lonInt * 1.0 / cells) * lonScale,
    lonMax: ranges.lon.min + ((lonInt + 1) * 1.0 / cells) * lonScale,
  };
}

/**
 * The position a stored score stands for: the center of its cell, clamped to the valid
 * ranges, as [longitude, latitude].
 *
 * @example
 * ```ts
 * scoreToLonLat(3479099956230698); // [13.361389338970184, 38.1155563954963]
 * ```
 */
export function scoreToLonLat(score: number): [number, number] {
  let latInt: number, lonInt: number;
  if (score >= 0 && score < 2 ** 53) {
    // C casts the double to uint64 (truncating); below 2^53 that is exact in a double.
    const bits = Math.trunc(score);
    const hi = Math.floor(bits / TWO26);
    const lo = bits - hi * TWO26;
    latInt = squash32(lo) | (squash32(hi) << 13);
    lonInt = squash32(lo >>> 1) | (squash32(hi >>> 1) << 13);
  } else {
    const area = decodeCell({ bits: cellBitsOfScore(score), step: GEO_STEP_MAX });
    return center(area);
  }
  return center(
    areaOf(latInt >>> 0, lonInt >>> 0, GEO_STEP_MAX, { lon: WGS84_LONG, lat: WGS84_LAT }),
  );
}

/** Scores outside [0, 2^53): what x86-64's double → uint64 conversion gives. */
function cellBitsOfScore(score: number): bigint {
  if (!Number.isFinite(score) || score >= 2 ** 64) return 1n << 63n;
  if (score < 0) {
    if (score <= -(2 ** 63)) return 1n << 63n;
    return (BigInt(Math.trunc(score)) + (1n << 64n)) & ((1n << 64n) - 1n);
  }
  return BigInt(Math.trunc(score));
}

function center(a: Area): [number, number] {
  let lon = (a.lonMin + a.lonMax) / 2;
  if (lon > GEO_LONG_MAX) lon = GEO_LONG_MAX;
  if (lon < GEO_LONG_MIN) lon = GEO_LONG_MIN;
  let lat = (a.latMin + a.latMax) / 2;
  if (lat > GEO_LAT_MAX) lat = GEO_LAT_MAX;
  if (lat < GEO_LAT_MIN) lat = GEO_LAT_MIN;
  return [lon, lat];
}

const ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz";

/**
 * The standard 11-character geohash of a stored score (GEOHASH): the decoded position
 * re-encoded over [-180, 180] x [-90, 90]; the last character is always "0" since the
 * score has only 52 bits.
 *
 * @example
 * ```ts
 * geohashString(3479099956230698); // "sqc8b49rny0"
 * ```
 */
export function geohashString(score: number): string {
  const [lon, lat] = scoreToLonLat(score);
  const cell = encodeCell(lon, lat, GEO_STEP_MAX, {
    lon: { min: -180, max: 180 },
    lat: { min: -90, max: 90 },
  });
  const bits = cell?.bits ?? 0n;
  let out = "";
  for (let i = 0; i < 11; i++) {
    const idx = i === 10 ? 0 : Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn);
    out += ALPHABET[idx];
  }
  return out;
}

const MASK64 = (1n << 64n) - 1n;
const ODD = 0xaaaaaaaaaaaaaaaan;
const EVEN = 0x5555555555555555n;

/** Move a cell one step along longitude (odd bits) or latitude (even bits). */
function move(cell: Cell, d: number, lonAxis: boolean): Cell {
  if (d === 0) return cell;
  const shift = BigInt(64 - cell.step * 2);
  const mine = lonAxis ? ODD : EVEN;
  const other = lonAxis ? EVEN : ODD;
  let x = cell.bits & mine;
  const y = cell.bits & other;
  const zz = other >> shift;
  if (d > 0) x = (x + (zz + 1n)) & MASK64;
  else {
    x = x | zz;
    x = (x - (zz + 1n)) & MASK64;
  }
  x &= mine >> shift;
  return { bits: x | y, step: cell.step };
}

/**
 * The 8 neighbours of a cell, in Redis's search order: north, south, east, west,
 * north-east, north-west, south-east, south-west.
 *
 * @example
 * ```ts
 * neighbours(encodeCell(0, 0, 5)!).length; // 8
 * ```
 */
export function neighbours(cell: Cell): Cell[] {
  const mv = (dx: number, dy: number) => move(move(cell, dx, true), dy, false);
  return [mv(0, 1), mv(0, -1), mv(1, 0), mv(-1, 0), mv(1, 1), mv(-1, 1), mv(1, -1), mv(-1, -1)];
}

/**
 * Distance in meters between two positions on Redis's sphere (haversine).
 *
 * @example
 * ```ts
 * distance(13.361389, 38.115556, 15.087269, 37.502669); // ≈ 166274.15
 * ```
 */
export function distance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const lon1r = degRad(lon1);
  const lon2r = degRad(lon2);
  const v = Math.sin((lon2r - lon1r) / 2);
  if (v === 0.0) return latDistance(lat1, lat2);
  const lat1r = degRad(lat1);
  const lat2r = degRad(lat2);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
}

/** Distance in meters along a meridian. */
function latDistance(lat1: number, lat2: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2) - degRad(lat1));
}

/**
 * A search area: a circle (radius) or an axis-aligned box (width x height), around a center,
 * with lengths in the request's unit and `conversion` meters per unit.
 *
 * @example
 * ```ts
 * const s: Shape = { lon: 15, lat: 37, conversion: 1000, radius: 200 };
 * ```
 */
export interface Shape {
  lon: number;
  lat: number;
  conversion: number;
  radius?: number;
  width?: number;
  height?: number;
}

/**
 * Whether a position is in the shape; returns its distance from the center (in meters) or
 * -1 when outside.
 *
 * @example
 * ```ts
 * within({ lon: 0, lat: 0, conversion: 1, radius: 10 }, 0, 0); // 0
 * ```
 */
export function within(shape: Shape, lon: number, lat: number): number {
  if (shape.radius !== undefined) {
    const d = distance(shape.lon, shape.lat, lon, lat);
    return d > shape.radius * shape.conversion ? -1 : d;
  }
  const w = shape.width! * shape.conversion;
  const h = shape.height! * shape.conversion;
  if (latDistance(shape.lat, lat) > h / 2) return -1;
  if (distance(lon, lat, shape.lon, lat) > w / 2) return -1;
  return distance(shape.lon, shape.lat, lon, lat);
}

function estimateSteps(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  return Math.min(26, Math.max(1, step));
}

/**
 * The cells to scan for a shape, in Redis's order (center, then neighbours); `null` entries
 * are neighbours the shape cannot reach.
 *
 * @example
 * ```ts
 * searchCells({ lon: 15, lat: 37, conversion: 1000, radius: 200 }).length; // 9
 * ```
 */
export function searchCells(shape: Shape): (Cell | null)[] {
  const isCircle = shape.radius !== undefined;
  const halfH = shape.conversion * (isCircle ? shape.radius! : shape.height! / 2);
  const halfW = shape.conversion * (isCircle ? shape.radius! : shape.width! / 2);
  const latDelta = radDeg(halfH / EARTH_RADIUS_IN_METERS);
  const lonDeltaTop = radDeg(
    halfW / EARTH_RADIUS_IN_METERS / Math.cos(degRad(shape.lat + latDelta)),
  );
  const lonDeltaBottom = radDeg(
    halfW / EARTH_RADIUS_IN_METERS / Math.cos(degRad(shape.lat - latDelta)),
  );
  const south = shape.lat < 0;
  const minLon = south ? shape.lon - lonDeltaBottom : shape.lon - lonDeltaTop;
  const maxLon = south ? shape.lon + lonDeltaBottom : shape.lon + lonDeltaTop;
  const minLat = shape.lat - latDelta;
  const maxLat = shape.lat + latDelta;

  let radiusMeters = isCircle ? shape.radius! : Math.sqrt(
    (shape.width! / 2) * (shape.width! / 2) + (shape.height! / 2) * (shape.height! / 2),
  );
  radiusMeters *= shape.conversion;
  let steps = estimateSteps(radiusMeters, shape.lat);

  let cell = encodeCell(shape.lon, shape.lat, steps) ?? { bits: 0n, step: steps };
  let around = neighbours(cell);
  let area = decodeCell(cell);
  const [n, s, e, w] = around.map((c) => decodeCell(c));
  const decrease = n.latMax < maxLat || s.latMin > minLat || e.lonMax < maxLon || w.lonMin > minLon;
  if (steps > 1 && decrease) {
    steps--;
    cell = encodeCell(shape.lon, shape.lat, steps) ?? { bits: 0n, step: steps };
    around = neighbours(cell);
    area = decodeCell(cell);
  }
  const cells: (Cell | null)[] = [cell, ...around];
  if (steps >= 2) {
    // Indexes in `cells`: 1 N, 2 S, 3 E, 4 W, 5 NE, 6 NW, 7 SE, 8 SW.
    const drop = (...ix: number[]) => ix.forEach((i) => (cells[i] = null));
    if (area.latMin < minLat) drop(2, 8, 7);
    if (area.latMax > maxLat) drop(1, 5, 6);
    if (area.lonMin < minLon) drop(4, 8, 6);
    if (area.lonMax > maxLon) drop(3, 7, 5);
  }
  return cells;
}

/**
 * The score interval [min, max) holding every position inside a cell.
 *
 * @example
 * ```ts
 * cellScoreRange({ bits: 1n, step: 1 }); // [2 ** 50, 2 ** 51]
 * ```
 */
export function cellScoreRange(cell: Cell): [number, number] {
  const shift = BigInt(52 - cell.step * 2);
  return [Number((cell.bits << shift) & MASK64), Number(((cell.bits + 1n) << shift) & MASK64)];
}
