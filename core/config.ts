/**
 * The config registry: every directive, from redis.conf, the command line and CONFIG SET.
 *
 * Directives are ConfigSpecs contributed by core and modules. Every other directive Redis
 * 7.4 knows (config_directives.ts) is pre-registered as a plain stored value, so a redis.conf
 * written for Redis loads unchanged: CONFIG GET shows such a value and the server logs once
 * that it is not effective yet. A directive Redis does not know is an error.
 *
 * Values are validated here by kind (bool yes/no, int range, memory units such as "512mb",
 * enum words, multi-word flags) before the owner's `set` runs, so modules only ever see
 * well-formed values, and error texts match Redis's CONFIG SET and config-file errors.
 */

import type { ConfigSpec } from "./spec.ts";
import { REDIS_DIRECTIVES } from "./config_directives.ts";
import { globMatch } from "./glob.ts";
import { splitArgs } from "./resp/parser.ts";
import type { ServerApi } from "./server.ts";

/** A registered directive and its current value. */
export interface ConfigEntry {
  spec: ConfigSpec;
  /** The module that made it effective, or null for a directive not implemented yet. */
  module: string | null;
  /** The current value, normalized. */
  value: string;
  /** Whether it was set away from its default (CONFIG REWRITE, logging). */
  changed: boolean;
}

/**
 * Parse a memory amount with Redis's units (b, k, kb, m, mb, g, gb; case-insensitive).
 * Returns null when invalid.
 *
 * @example
 * ```ts
 * parseMemory("512mb"); // 536870912
 * parseMemory("1k"); // 1000
 * ```
 */
export function parseMemory(s: string): number | null {
  const m = /^(-?\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(s);
  if (!m) return null;
  const mult: Record<string, number> = {
    b: 1,
    k: 1000,
    kb: 1024,
    m: 1000 ** 2,
    mb: 1024 ** 2,
    g: 1000 ** 3,
    gb: 1024 ** 3,
  };
  return Number(m[1]) * mult[(m[2] ?? "b").toLowerCase()];
}

/** Validation failure; `message` is the reason Redis gives ("argument must be 'yes' or 'no'"). */
export class ConfigError extends Error {}

/**
 * Validate and normalize a value for a directive. Returns the normalized value.
 *
 * @example
 * ```ts
 * normalizeConfigValue(boolSpec, "YES"); // "yes"
 * ```
 */
export function normalizeConfigValue(spec: ConfigSpec, raw: string): string {
  switch (spec.kind) {
    case "bool": {
      const v = raw.toLowerCase();
      if (v !== "yes" && v !== "no") throw new ConfigError("argument must be 'yes' or 'no'");
      return v;
    }
    case "int":
    case "memory": {
      const n = spec.kind === "memory"
        ? parseMemory(raw)
        : /^-?\d+$/.test(raw)
        ? Number(raw)
        : null;
      if (n === null || !Number.isFinite(n)) {
        throw new ConfigError(
          spec.kind === "memory"
            ? "argument must be a memory value"
            : "argument couldn't be parsed into an integer",
        );
      }
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
        throw new ConfigError(`argument must be between ${spec.min} and ${spec.max} inclusive`);
      }
      return String(n);
    }
    case "enum": {
      const v = raw.toLowerCase();
      if (spec.values && !spec.values.includes(v)) {
        throw new ConfigError(
          `argument(s) must be one of the following: ${spec.values.join(", ")}`,
        );
      }
      return v;
    }
    case "flags": {
      const words = raw.toLowerCase().split(/\s+/).filter(Boolean);
      for (const w of words) {
        if (spec.values && !spec.values.includes(w)) {
          throw new ConfigError(
            `argument(s) must be one of the following: ${spec.values.join(", ")}`,
          );
        }
      }
      return words.join(" ");
    }
    default:
      spec.validate?.(raw);
      return raw;
  }
}

/**
 * All config directives of one server.
 *
 * @example
 * ```ts
 * const cfg = new ConfigRegistry(server);
 * cfg.register({ name: "hz", kind: "int", default: "10", min: 1, max: 500 }, "core");
 * cfg.set("hz", "20", "config-set");
 * cfg.get("hz"); // "20"
 * ```
 */
export class ConfigRegistry {
  private readonly entries = new Map<string, ConfigEntry>();
  private readonly aliases = new Map<string, string>();

  constructor(private readonly server: ServerApi) {
    for (const [name, alias, kind, def, flags = [], values] of REDIS_DIRECTIVES) {
      const spec: ConfigSpec = {
        name,
        kind: kind as ConfigSpec["kind"],
        default: def,
        aliases: alias ? [alias] : undefined,
        values,
        immutable: flags.includes("immutable"),
        sensitive: flags.includes("sensitive"),
        hidden: flags.includes("hidden"),
      };
      this.entries.set(name, { spec, module: null, value: def, changed: false });
      if (alias) this.aliases.set(alias, name);
    }
  }

  /**
   * Register a directive and apply its default. A Redis directive pre-registered as stored
   * is taken over, keeping any value already set for it.
   */
  register(spec: ConfigSpec, module: string): void {
    const name = spec.name.toLowerCase();
    const old = this.entries.get(name);
    if (old && old.module !== null) {
      throw new Error(`config '${name}' is already registered by module '${old.module}'`);
    }
    const value = old?.changed ? normalizeConfigValue(spec, old.value) : spec.default;
    spec.apply?.(value, this.server);
    this.entries.set(name, { spec, module, value, changed: old?.changed ?? false });
    for (const a of spec.aliases ?? []) this.aliases.set(a.toLowerCase(), name);
  }

  /** Give a module's directive back (MODULE UNLOAD): it becomes a stored value again. */
  unregister(name: string): void {
    const e = this.entries.get(name.toLowerCase());
    if (e) e.module = null;
  }

  /** The entry for a name or alias. */
  entry(name: string): ConfigEntry | undefined {
    const n = name.toLowerCase();
    return this.entries.get(n) ?? this.entries.get(this.aliases.get(n) ?? "");
  }

  /** The current value of a directive ("" if unknown). */
  get(name: string): string {
    return this.entry(name)?.value ?? "";
  }

  /** The value as CONFIG GET shows it. */
  display(e: ConfigEntry): string {
    return e.spec.format ? e.spec.format(e.value, this.server) : e.value;
  }

  /** A directive's value as a number. */
  getNumber(name: string): number {
    return Number(this.get(name));
  }

  /** A bool directive's value. */
  getBool(name: string): boolean {
    return this.get(name) === "yes";
  }

  /**
   * Validate and apply a value; throws ConfigError with Redis's reason. Returns whether the
   * directive is implemented (false: stored, not effective yet).
   */
  set(name: string, raw: string, from: "startup" | "config-set"): boolean {
    const e = this.entry(name);
    if (!e) throw new ConfigError("Bad directive or wrong number of arguments");
    if (from === "config-set" && e.spec.immutable) {
      throw new ConfigError("can't set immutable config");
    }
    const value = normalizeConfigValue(e.spec, raw);
    if (e.module !== null) {
      try {
        e.spec.apply?.(value, this.server);
      } catch (err) {
        throw new ConfigError(err instanceof Error ? err.message : String(err));
      }
    }
    e.value = value;
    e.changed = true;
    return e.module !== null;
  }

  /** Entries whose name or alias matches a glob (case-insensitive), for CONFIG GET. */
  match(pattern: string): [string, ConfigEntry][] {
    const out: [string, ConfigEntry][] = [];
    if (!/[*?[\\]/.test(pattern)) {
      const e = this.entry(pattern);
      return e ? [[pattern.toLowerCase(), e]] : [];
    }
    for (const [name, e] of this.entries) {
      if (e.spec.hidden) continue;
      if (globMatch(pattern, name, true)) out.push([name, e]);
      for (const a of e.spec.aliases ?? []) if (globMatch(pattern, a, true)) out.push([a, e]);
    }
    return out;
  }

  /** Every entry. */
  all(): IterableIterator<[string, ConfigEntry]> {
    return this.entries.entries();
  }
}

/** One directive read from a config file or the command line. */
export interface Directive {
  name: string;
  args: string[];
  /** "file:line" or "command line", for error messages. */
  origin: string;
  line: string;
}

/**
 * A configuration error at startup, reported like Redis's "FATAL CONFIG FILE ERROR".
 *
 * @example
 * ```ts
 * throw new ConfigFileError(directive, "Bad directive or wrong number of arguments");
 * ```
 */
export class ConfigFileError extends Error {
  constructor(readonly directive: Directive, reason: string) {
    super(
      `*** FATAL CONFIG FILE ERROR ***\nReading the configuration file, at ${directive.origin}\n>>> '${directive.line}'\n${reason}`,
    );
  }
}

/**
 * Parse redis.conf text into directives (comments and blank lines skipped, quoting as
 * redis.conf allows).
 *
 * @example
 * ```ts
 * parseConfigText("port 6380\n# comment\nsave 60 1\n", "redis.conf");
 * // [{ name: "port", args: ["6380"], ... }, { name: "save", args: ["60", "1"], ... }]
 * ```
 */
export function parseConfigText(text: string, file: string): Directive[] {
  const out: Directive[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "" || line.startsWith("#")) continue;
    const origin = `${file}:${i + 1}`;
    const words = splitArgs(line);
    if (words === null) {
      throw new ConfigFileError(
        { name: "", args: [], origin, line },
        "Unbalanced quotes in configuration line",
      );
    }
    if (words.length === 0) continue;
    out.push({ name: words[0].toLowerCase(), args: words.slice(1), origin, line });
  }
  return out;
}

/**
 * Turn command-line arguments (`[config-file] [--name value ...]`) into a config file path
 * and directives, as redis-server does: `--port 6380 --save 60 1` → port 6380, save "60 1".
 *
 * @example
 * ```ts
 * parseCommandLine(["redis.conf", "--port", "6380"]); // { file: "redis.conf", directives: [port 6380] }
 * ```
 */
export function parseCommandLine(argv: string[]): { file: string | null; directives: Directive[] } {
  let file: string | null = null;
  let i = 0;
  if (argv.length > 0 && !argv[0].startsWith("--")) {
    file = argv[0];
    i = 1;
  }
  const directives: Directive[] = [];
  let cur: Directive | null = null;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith("--") && a.length > 2) {
      cur = { name: a.slice(2).toLowerCase(), args: [], origin: "command line", line: a };
      directives.push(cur);
    } else if (cur) {
      cur.args.push(a);
      cur.line += " " + a;
    } else {
      throw new ConfigFileError(
        { name: a, args: [], origin: "command line", line: a },
        "Invalid argument: expected '--directive value'",
      );
    }
  }
  return { file, directives };
}
