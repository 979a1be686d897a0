/**
 * The geo commands and their metadata: GEOADD, GEOPOS, GEODIST, GEOHASH here, and the
 * search family (search.ts) registered under their six names.
 *
 * GEOADD is ZADD with positions turned into geohash scores: Redis literally rewrites the
 * command into a ZADD and runs it, so that is what it propagates (ZADD key [NX|XX] [CH]
 * score member ..., scores as integers) and the keyspace event is `zadd`. Every position is
 * validated before the set is touched, so a bad pair leaves it unchanged.
 */

import type { ArgSpec, CommandContext, CommandSpec, KeySpec } from "../../core/spec.ts";
import { ReplyError, SYNTAX_ERR } from "../../core/errors.ts";
import { limitsOf, ZSet, zsetType } from "../sorted_sets/zset.ts";
import { distance, encodeCell, GEO_STEP_MAX, geohashString, scoreToLonLat } from "./geohash.ts";
import { lonLatArgs, unitArg } from "./args.ts";
import { coordReply, formatDistance, geoSearch } from "./search.ts";

/** GEOADD key [NX|XX] [CH] longitude latitude member [...] */
function geoadd(ctx: CommandContext, argv: string[]): void {
  let nx = false, xx = false, ch = false;
  let i = 2;
  for (; i < argv.length; i++) {
    const opt = argv[i].toLowerCase();
    if (opt === "nx") nx = true;
    else if (opt === "xx") xx = true;
    else if (opt === "ch") ch = true;
    else break;
  }
  const rest = argv.length - i;
  if (rest % 3 !== 0 || (xx && nx) || rest === 0) throw new ReplyError(SYNTAX_ERR);
  const members: string[] = [];
  const scores: bigint[] = [];
  for (let j = i; j < argv.length; j += 3) {
    const [lon, lat] = lonLatArgs(argv[j], argv[j + 1]);
    scores.push(encodeCell(lon, lat, GEO_STEP_MAX)!.bits);
    members.push(argv[j + 2]);
  }

  const key = argv[1];
  const limits = limitsOf(ctx.server);
  let z = ctx.db.lookupWrite(key, zsetType);
  const created = z === undefined;
  if (z === undefined) {
    if (xx) return ctx.reply.int(0);
    z = new ZSet();
    if (members.length > limits.entries) z.grow();
  }
  let added = 0, updated = 0;
  for (let j = 0; j < members.length; j++) {
    const score = Number(scores[j]);
    const current = z.score(members[j]);
    if (current !== undefined) {
      if (nx || current === score) continue;
      z.update(members[j], current, score);
      updated++;
    } else if (!xx) {
      z.add(members[j], score, limits);
      added++;
    }
  }
  if (created && z.size > 0) ctx.db.add(key, z);
  const zadd = ["ZADD", ...argv.slice(1, i)];
  for (let j = 0; j < members.length; j++) zadd.push(String(scores[j]), members[j]);
  ctx.propagate(zadd);
  if (added + updated > 0) {
    ctx.db.modified(key);
    ctx.db.notify("z", "zadd", key);
  }
  ctx.reply.int(ch ? added + updated : added);
}

/** GEOPOS key [member ...] */
function geopos(ctx: CommandContext, argv: string[]): void {
  const z = ctx.db.lookupRead(argv[1], zsetType);
  const r = ctx.reply;
  r.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const score = z?.score(argv[j]);
    if (score === undefined) {
      r.nullArray();
      continue;
    }
    const [lon, lat] = scoreToLonLat(score);
    r.array(2);
    coordReply(r, lon);
    coordReply(r, lat);
  }
}

/** GEODIST key member1 member2 [M|KM|FT|MI] */
function geodist(ctx: CommandContext, argv: string[]): void {
  let toMeter = 1;
  if (argv.length === 5) toMeter = unitArg(argv[4]);
  else if (argv.length > 5) throw new ReplyError(SYNTAX_ERR);
  const z = ctx.db.lookupRead(argv[1], zsetType);
  const s1 = z?.score(argv[2]);
  const s2 = z?.score(argv[3]);
  if (s1 === undefined || s2 === undefined) return ctx.reply.null();
  const [lon1, lat1] = scoreToLonLat(s1);
  const [lon2, lat2] = scoreToLonLat(s2);
  ctx.reply.bulk(formatDistance(distance(lon1, lat1, lon2, lat2) / toMeter));
}

/** GEOHASH key [member ...] */
function geohash(ctx: CommandContext, argv: string[]): void {
  const z = ctx.db.lookupRead(argv[1], zsetType);
  const out: (string | null)[] = [];
  for (let j = 2; j < argv.length; j++) {
    const score = z?.score(argv[j]);
    out.push(score === undefined ? null : geohashString(score));
  }
  ctx.reply.bulks(out);
}

// ---- metadata -------------------------------------------------------------------------

const RO_KEY: KeySpec = {
  flags: ["RO", "access"],
  begin: 1,
  find: { lastKey: 0, step: 1, limit: 0 },
};
const KEY_ARG: ArgSpec = { name: "key", type: "key", keySpecIndex: 0 };
const MEMBERS_ARG: ArgSpec = { name: "member", type: "string", optional: true, multiple: true };
const UNIT_ARG: ArgSpec = {
  name: "unit",
  type: "oneof",
  arguments: ["m", "km", "ft", "mi"].map((u) => ({
    name: u,
    type: "pure-token" as const,
    token: u.toUpperCase(),
  })),
};
const SEARCH_COMPLEXITY =
  "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.";
const RADIUS_HISTORY: [string, string][] = [
  ["6.2.0", "Added the `ANY` option for `COUNT`."],
  ["7.0.0", "Added support for uppercase unit names."],
];

/** Keys of GEORADIUS/GEORADIUSBYMEMBER: the source, and the last STORE/STOREDIST key. */
function radiusKeys(argv: string[]): number[] {
  let stored = -1;
  for (let i = 5; i < argv.length; i++) {
    const a = argv[i].toLowerCase();
    if ((a === "store" || a === "storedist") && i + 1 < argv.length) stored = ++i;
  }
  return stored < 0 ? [1] : [1, stored];
}

/** GEORADIUS / GEORADIUSBYMEMBER and their _RO twins. */
function radiusSpec(byMember: boolean, ro: boolean): CommandSpec {
  const start = byMember ? 5 : 6;
  const storeKeys: KeySpec[] = ro ? [] : ["STORE", "STOREDIST"].map((keyword) => ({
    flags: ["OW", "update"],
    begin: { keyword, startFrom: start },
    find: { lastKey: 0, step: 1, limit: 0 },
  }));
  const center: ArgSpec[] = byMember
    ? [{ name: "member", type: "string" }]
    : [{ name: "longitude", type: "double" }, { name: "latitude", type: "double" }];
  return {
    name: "georadius" + (byMember ? "bymember" : "") + (ro ? "_ro" : ""),
    group: "geo",
    summary: byMember
      ? "Finds members within a radius of a member of a geospatial index (deprecated)."
      : "Finds members within a radius of a position (deprecated).",
    since: ro ? "3.2.10" : "3.2.0",
    complexity: SEARCH_COMPLEXITY,
    arity: byMember ? -5 : -6,
    flags: ro ? ["readonly"] : ["write", "denyoom"],
    keys: [RO_KEY, ...storeKeys],
    getKeys: ro ? undefined : radiusKeys,
    arguments: [KEY_ARG, ...center, { name: "radius", type: "double" }, UNIT_ARG],
    history: RADIUS_HISTORY,
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: byMember
      ? (ro
        ? "`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments"
        : "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments")
      : (ro
        ? "`GEOSEARCH` with the `BYRADIUS` argument"
        : "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument"),
    handler: (ctx, argv) =>
      geoSearch(ctx, argv, { srcIndex: 1, radius: byMember ? "member" : "coords", noStore: ro }),
  };
}

const GEOSEARCH_COMPLEXITY =
  "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape";

/**
 * Every geo command.
 *
 * @example
 * ```ts
 * const spec: ModuleSpec = { name: "geo", requires: ["sorted_sets"], commands: geoCommands };
 * ```
 */
export const geoCommands: CommandSpec[] = [
  {
    name: "geoadd",
    group: "geo",
    summary: "Adds or updates members of a geospatial index (a sorted set scored by geohash).",
    since: "3.2.0",
    complexity:
      "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
    arity: -5,
    flags: ["write", "denyoom"],
    keys: [{ flags: ["RW", "update"], begin: 1, find: { lastKey: 0, step: 1, limit: 0 } }],
    arguments: [
      KEY_ARG,
      {
        name: "condition",
        type: "oneof",
        optional: true,
        since: "6.2.0",
        arguments: [
          { name: "nx", type: "pure-token", token: "NX" },
          { name: "xx", type: "pure-token", token: "XX" },
        ],
      },
      { name: "change", type: "pure-token", token: "CH", optional: true, since: "6.2.0" },
      {
        name: "data",
        type: "block",
        multiple: true,
        arguments: [
          { name: "longitude", type: "double" },
          { name: "latitude", type: "double" },
          { name: "member", type: "string" },
        ],
      },
    ],
    history: [["6.2.0", "Added the `CH`, `NX` and `XX` options."]],
    handler: geoadd,
  },
  {
    name: "geopos",
    group: "geo",
    summary: "Returns the longitude and latitude of members of a geospatial index.",
    since: "3.2.0",
    complexity: "O(1) for each member requested.",
    arity: -2,
    flags: ["readonly"],
    keys: [RO_KEY],
    arguments: [KEY_ARG, MEMBERS_ARG],
    handler: geopos,
  },
  {
    name: "geodist",
    group: "geo",
    summary: "Returns the distance between two members of a geospatial index.",
    since: "3.2.0",
    complexity: "O(1)",
    arity: -4,
    flags: ["readonly"],
    keys: [RO_KEY],
    arguments: [
      KEY_ARG,
      { name: "member1", type: "string" },
      { name: "member2", type: "string" },
      { ...UNIT_ARG, optional: true },
    ],
    handler: geodist,
  },
  {
    name: "geohash",
    group: "geo",
    summary: "Returns members of a geospatial index as standard geohash strings.",
    since: "3.2.0",
    complexity: "O(1) for each member requested.",
    arity: -2,
    flags: ["readonly"],
    keys: [RO_KEY],
    arguments: [KEY_ARG, MEMBERS_ARG],
    handler: geohash,
  },
  radiusSpec(false, false),
  radiusSpec(false, true),
  radiusSpec(true, false),
  radiusSpec(true, true),
  {
    name: "geosearch",
    group: "geo",
    summary: "Finds members of a geospatial index inside a circle or a box.",
    since: "6.2.0",
    complexity: GEOSEARCH_COMPLEXITY,
    arity: -7,
    flags: ["readonly"],
    keys: [RO_KEY],
    arguments: [KEY_ARG],
    history: [["7.0.0", "Added support for uppercase unit names."]],
    handler: (ctx, argv) => geoSearch(ctx, argv, { srcIndex: 1 }),
  },
  {
    name: "geosearchstore",
    group: "geo",
    summary: "Stores the members of a geospatial index found inside a circle or a box.",
    since: "6.2.0",
    complexity: GEOSEARCH_COMPLEXITY,
    arity: -8,
    flags: ["write", "denyoom"],
    keys: [
      { flags: ["OW", "update"], begin: 1, find: { lastKey: 0, step: 1, limit: 0 } },
      { flags: ["RO", "access"], begin: 2, find: { lastKey: 0, step: 1, limit: 0 } },
    ],
    arguments: [
      { name: "destination", type: "key", keySpecIndex: 0 },
      { name: "source", type: "key", keySpecIndex: 1 },
    ],
    history: [["7.0.0", "Added support for uppercase unit names."]],
    handler: (ctx, argv) => geoSearch(ctx, argv, { srcIndex: 2, store: true }),
  },
];
