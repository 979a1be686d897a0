/**
 * The geo search family: GEOSEARCH, GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER and the
 * _RO forms, all through one core (`geoSearch`), as in Redis, since they differ only in how
 * the center and shape are spelled and whether results may be stored.
 *
 * Order of checks (clients see it): the source key's type, then the fixed arguments of the
 * old commands (center, radius, unit), then options left to right (each parsed and
 * validated as met, so the first bad one reports), then the cross-option rules (STORE with
 * WITH-options, FROMMEMBER or FROMLONLAT and BYRADIUS or BYBOX required, ANY needs COUNT). A missing source key answers an empty array,
 * or 0 after deleting the destination when storing.
 *
 * Search: the cells from geohash.ts are scanned in order, each a score interval of the
 * sorted set walked by rank, keeping members inside the shape. COUNT ANY stops as soon as
 * enough are found; COUNT alone implies ASC (nearest first), as in Redis. Sorting is stable,
 * so equal distances keep scan order.
 *
 * Replies: distances as bulk strings with 4 decimals (Redis 7.4's fixed-point rounding),
 * hashes as integers, coordinates in Redis's "%.17Lf without trailing zeros" text (a bulk
 * string in RESP2, a double in RESP3). Stored results
 * are a sorted set scored by geohash, or by distance in the request's unit (STOREDIST).
 */

import type { CommandContext, ReplyWriter } from "../../core/spec.ts";
import { NOT_INTEGER, ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { parseInteger } from "../../core/numbers.ts";
import { limitsOf, ZSet, zsetType } from "../sorted_sets/zset.ts";
import {
  type Cell,
  cellScoreRange,
  scoreToLonLat,
  searchCells,
  type Shape,
  within,
} from "./geohash.ts";
import { lonLatArgs, parseFloatArg, unitArg } from "./args.ts";

/** Which command is running. */
export interface SearchVariant {
  /** Index of the source key in argv. */
  srcIndex: number;
  /** GEORADIUS (center given) or GEORADIUSBYMEMBER (member given); absent for GEOSEARCH*. */
  radius?: "coords" | "member";
  /** _RO variants: no STORE/STOREDIST. */
  noStore?: boolean;
  /** GEOSEARCHSTORE. */
  store?: boolean;
}

/** A member found by a search. */
interface Found {
  member: string;
  dist: number;
  score: number;
  lon: number;
  lat: number;
}

/** The member's stored position, or throw Redis's decode error. */
function memberCenter(z: ZSet, member: string): [number, number] {
  const score = z.score(member);
  if (score === undefined) throw new ReplyError("ERR could not decode requested zset member");
  return scoreToLonLat(score);
}

/** Parse `<radius> <unit>` into the shape. */
function radiusArgs(shape: Partial<Shape>, radius: string, unit: string): void {
  const r = parseFloatArg(radius, "ERR need numeric radius");
  if (r < 0) throw new ReplyError("ERR radius cannot be negative");
  shape.radius = r;
  shape.conversion = unitArg(unit);
}

/**
 * The search core behind every geo search command.
 *
 * @example
 * ```ts
 * handler: (ctx, argv) => geoSearch(ctx, argv, { srcIndex: 1 }) // GEOSEARCH
 * ```
 */
export function geoSearch(ctx: CommandContext, argv: string[], variant: SearchVariant): void {
  const z = ctx.db.lookupRead(argv[variant.srcIndex], zsetType);
  const shape: Partial<Shape> = {};
  let base: number;
  let storeKey: string | null = null;
  if (variant.radius === "coords") {
    base = 6;
    [shape.lon, shape.lat] = lonLatArgs(argv[2], argv[3]);
    radiusArgs(shape, argv[4], argv[5]);
  } else if (variant.radius === "member") {
    base = 5;
    if (z !== undefined) {
      [shape.lon, shape.lat] = memberCenter(z, argv[2]);
      radiusArgs(shape, argv[3], argv[4]);
    }
  } else {
    base = variant.store ? 3 : 2;
    if (variant.store) storeKey = argv[1];
  }
  const geosearch = variant.radius === undefined;

  let withDist = false, withHash = false, withCoord = false;
  let fromMember = false, fromLoc = false, byRadius = false, byBox = false;
  let sort: "none" | "asc" | "desc" = "none";
  let any = false, count = 0, storeDist = false;
  const n = argv.length;
  for (let i = base; i < n; i++) {
    const arg = argv[i].toLowerCase();
    const left = n - i - 1;
    if (arg === "withdist") withDist = true;
    else if (arg === "withhash") withHash = true;
    else if (arg === "withcoord") withCoord = true;
    else if (arg === "any") any = true;
    else if (arg === "asc") sort = "asc";
    else if (arg === "desc") sort = "desc";
    else if (arg === "count" && left >= 1) {
      const c = parseInteger(argv[++i]);
      if (c === null) throw new ReplyError(NOT_INTEGER);
      if (c <= 0) throw new ReplyError("ERR COUNT must be > 0");
      count = c;
    } else if (
      (arg === "store" || arg === "storedist") && left >= 1 && !variant.noStore && !geosearch
    ) {
      storeKey = argv[++i];
      storeDist = arg === "storedist";
    } else if (arg === "storedist" && variant.store) storeDist = true;
    else if (arg === "frommember" && left >= 1 && geosearch && !fromLoc) {
      if (z !== undefined) [shape.lon, shape.lat] = memberCenter(z, argv[i + 1]);
      fromMember = true;
      i++;
    } else if (arg === "fromlonlat" && left >= 2 && geosearch && !fromMember) {
      [shape.lon, shape.lat] = lonLatArgs(argv[i + 1], argv[i + 2]);
      fromLoc = true;
      i += 2;
    } else if (arg === "byradius" && left >= 2 && geosearch && !byBox) {
      radiusArgs(shape, argv[i + 1], argv[i + 2]);
      delete shape.width;
      byRadius = true;
      i += 2;
    } else if (arg === "bybox" && left >= 3 && geosearch && !byRadius) {
      const w = parseFloatArg(argv[i + 1], "ERR need numeric width");
      const h = parseFloatArg(argv[i + 2], "ERR need numeric height");
      if (h < 0 || w < 0) throw new ReplyError("ERR height or width cannot be negative");
      shape.conversion = unitArg(argv[i + 3]);
      shape.width = w;
      shape.height = h;
      byBox = true;
      i += 3;
    } else throw new ReplyError(SYNTAX_ERR);
  }

  if (storeKey !== null && (withDist || withHash || withCoord)) {
    const what = variant.store ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS";
    throw new ReplyError(
      `ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`,
    );
  }
  if (geosearch && !(fromMember || fromLoc)) {
    throw new ReplyError(
      `ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${argv[0]}`,
    );
  }
  if (geosearch && !(byRadius || byBox)) {
    throw new ReplyError(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${argv[0]}`);
  }
  if (any && count === 0) throw new ReplyError("ERR the ANY argument requires COUNT argument");

  if (z === undefined) {
    if (storeKey === null) return ctx.reply.array(0);
    if (ctx.db.remove(storeKey)) {
      ctx.db.modified(storeKey);
      ctx.db.notify("g", "del", storeKey);
    }
    return ctx.reply.int(0);
  }
  if (count !== 0 && sort === "none" && !any) sort = "asc";

  const found = collect(z, shape as Shape, any ? count : 0);
  if (found.length === 0 && storeKey === null) return ctx.reply.array(0);
  if (sort === "asc") found.sort((a, b) => a.dist - b.dist);
  else if (sort === "desc") found.sort((a, b) => b.dist - a.dist);
  const returned = count === 0 || found.length < count ? found.length : count;
  const conversion = shape.conversion!;

  if (storeKey === null) {
    replyFound(ctx.reply, found, returned, { conversion, withDist, withHash, withCoord });
    return;
  }
  if (returned > 0) {
    // A member can only be found twice if two cells repeat non-adjacently (tiny steps near
    // the poles); Redis would abort there, we keep the first.
    const seen = new Set<string>();
    const picked = found.slice(0, returned).filter((f) => !seen.has(f.member) && seen.add(f.member))
      .map((f) => ({ member: f.member, score: storeDist ? f.dist / conversion : f.score }));
    picked.sort((a, b) =>
      a.score - b.score || (a.member < b.member ? -1 : a.member > b.member ? 1 : 0)
    );
    const result = ZSet.fromSorted(
      picked.map((p) => p.member),
      picked.map((p) => p.score),
      limitsOf(ctx.server),
    );
    ctx.db.setKey(storeKey, result);
    ctx.db.notify("z", geosearch ? "geosearchstore" : "georadiusstore", storeKey);
  } else if (ctx.db.remove(storeKey)) {
    ctx.db.modified(storeKey);
    ctx.db.notify("g", "del", storeKey);
  }
  ctx.reply.int(returned);
}

/** Members of `z` inside the shape, cell by cell; stops at `limit` (0 = no limit). */
function collect(z: ZSet, shape: Shape, limit: number): Found[] {
  const found: Found[] = [];
  const cells = searchCells(shape);
  let last: Cell | null = null;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell === null) continue;
    // Redis compares with the last processed cell, except when that was the center.
    if (
      last !== null && i > 0 && last !== cells[0] && cell.bits === last.bits &&
      cell.step === last.step
    ) continue;
    if (limit > 0 && found.length >= limit) break;
    const [min, max] = cellScoreRange(cell);
    const from = z.countWhile((s) => s < min);
    z.walk(from, false, (member, score) => {
      if (score >= max) return false;
      const [lon, lat] = scoreToLonLat(score);
      const dist = within(shape, lon, lat);
      if (dist >= 0) found.push({ member, dist, score, lon, lat });
      return !(limit > 0 && found.length >= limit);
    });
    last = cell;
  }
  return found;
}

/** Reply with the first `n` results and the requested extras. */
function replyFound(
  r: ReplyWriter,
  found: Found[],
  n: number,
  opts: { conversion: number; withDist: boolean; withHash: boolean; withCoord: boolean },
): void {
  const extras = (opts.withDist ? 1 : 0) + (opts.withHash ? 1 : 0) + (opts.withCoord ? 1 : 0);
  r.array(n);
  for (let i = 0; i < n; i++) {
    const f = found[i];
    if (extras > 0) r.array(extras + 1);
    r.bulk(f.member);
    if (opts.withDist) r.bulk(formatDistance(f.dist / opts.conversion));
    if (opts.withHash) r.int(f.score);
    if (opts.withCoord) {
      r.array(2);
      coordReply(r, f.lon);
      coordReply(r, f.lat);
    }
  }
}

/**
 * A distance as Redis 7.4 prints it: rounded (half to even) to 4 decimals, fixed point.
 *
 * @example
 * ```ts
 * formatDistance(166274.1516); // "166274.1516"
 * formatDistance(0.5); // "0.5000"
 * ```
 */
export function formatDistance(d: number): string {
  if (d === 0) return "0.0000";
  const v = d * 10000;
  let r = Math.round(v);
  if (r - v === 0.5 && r % 2 !== 0) r -= 1; // llrint: ties to even
  const neg = r < 0;
  const digits = String(Math.abs(r)).padStart(5, "0");
  return (neg ? "-" : "") + digits.slice(0, -4) + "." + digits.slice(-4);
}

/**
 * A coordinate as Redis prints it in RESP2: 17 decimals, trailing zeros removed.
 *
 * @example
 * ```ts
 * formatCoord(13.361389338970184); // "13.36138933897018433"
 * ```
 */
export function formatCoord(d: number): string {
  let s = d.toFixed(17);
  if (s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
  return s === "-0" ? "0" : s;
}

/**
 * Reply with one coordinate: a double (a bulk string in RESP2) in Redis's 17-decimal text.
 *
 * @example
 * ```ts
 * coordReply(ctx.reply, lon);
 * ```
 */
export function coordReply(r: ReplyWriter, d: number): void {
  r.double(d, formatCoord(d));
}
