/**
 * The function libraries (Redis 7 functions): FUNCTION LOAD compiles a library, runs its top
 * level so it can call redis.register_function, and links the library and its functions
 * into the registry, all or nothing, with Redis's checks and error texts.
 *
 * Names are case-insensitive, as in Redis: the maps are keyed by the lower-cased name and the
 * records keep the name as written. The registry is plain data plus the compiled functions: `Library.code` is the whole text
 * given to FUNCTION LOAD (shebang included), which is all persistence needs to save and
 * restore libraries (FUNCTION DUMP / RESTORE and RDB's FUNCTION2 records hold exactly that):
 * `codes()` lists them and `restore()` loads them back.
 *
 * Loading runs the library's top level with a tick budget and a 500 ms limit, like Redis's
 * FUNCTION LOAD timeout, so a library cannot hang the server while it registers.
 */

import { ReplyError } from "../../core/errors.ts";
import { LuaSyntaxError, LuaTable, type LuaValue, rawToString } from "./lua/mod.ts";
import { errorTable } from "./lua_reply.ts";
import { FunctionEnv, type ScriptHost } from "./redis_api.ts";
import { luaError } from "./lua/mod.ts";
import { parseLibraryHeader, SCRIPT_FLAGS, type ScriptFlag, ShebangError } from "./shebang.ts";

/** A registered function. */
export interface FunctionInfo {
  name: string;
  library: Library;
  fn: LuaValue;
  description: string | null;
  flags: Set<ScriptFlag>;
}

/** A loaded library. */
export interface Library {
  name: string;
  engine: string;
  /** The code as given to FUNCTION LOAD, shebang line included. */
  code: string;
  functions: Map<string, FunctionInfo>;
}

const LOAD_TIMEOUT_MS = 500;
const NAME_RE = /^[A-Za-z0-9_]+$/;
const BAD_NAME =
  "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";

/** Parse register_function's arguments (positional or one table of named arguments). */
function readRegistration(
  args: LuaValue[],
): { name: string; fn: LuaValue; description: string | null; flags: Set<ScriptFlag> } {
  const fail = (msg: string): never => {
    throw luaError(errorTable(msg));
  };
  if (args.length < 1 || args.length > 2) {
    fail("wrong number of arguments to redis.register_function");
  }
  const str = (
    v: LuaValue,
  ) => (typeof v === "string" || typeof v === "number" ? rawToString(v) : null);
  if (args.length === 2) {
    const name = str(args[0]);
    if (name === null) fail("first argument to redis.register_function must be a string");
    if (typeof args[1] !== "function") {
      fail("second argument to redis.register_function must be a function");
    }
    return { name: name!, fn: args[1], description: null, flags: new Set() };
  }
  const t = args[0];
  if (!(t instanceof LuaTable)) {
    return fail(
      "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).",
    );
  }
  let name: string | null = null;
  let fn: LuaValue = undefined;
  let description: string | null = null;
  const flags = new Set<ScriptFlag>();
  for (let e = t.next(undefined); e !== null; e = t.next(e[0])) {
    const [k, v] = e;
    const key = str(k);
    if (key === null) fail("named argument key given to redis.register_function is not a string");
    switch (key!.toLowerCase()) {
      case "function_name":
        name = str(v);
        if (name === null) {
          fail("function_name argument given to redis.register_function must be a string");
        }
        break;
      case "description":
        description = str(v);
        if (description === null) {
          fail("description argument given to redis.register_function must be a string");
        }
        break;
      case "callback":
        if (typeof v !== "function") {
          fail("callback argument given to redis.register_function must be a function");
        }
        fn = v;
        break;
      case "flags": {
        if (!(v instanceof LuaTable)) {
          fail(
            "flags argument to redis.register_function must be a table representing function flags",
          );
        }
        const ft = v as LuaTable;
        for (let f = ft.next(undefined); f !== null; f = ft.next(f[0])) {
          const flag = typeof f[1] === "string" ? f[1].toLowerCase() : "";
          if (!(SCRIPT_FLAGS as readonly string[]).includes(flag)) fail("unknown flag given");
          flags.add(flag as ScriptFlag);
        }
        break;
      }
      default:
        fail("unknown argument given to redis.register_function");
    }
  }
  if (name === null) fail("redis.register_function must get a function name argument");
  if (fn === undefined) fail("redis.register_function must get a callback argument");
  return { name: name!, fn, description, flags };
}

/**
 * The library registry of one server.
 *
 * @example
 * ```ts
 * const libs = new LibraryRegistry(host);
 * libs.load("#!lua name=mylib\nredis.register_function('hello', function() return 'hi' end)", false);
 * libs.functions.get("hello");
 * ```
 */
export class LibraryRegistry {
  readonly libraries = new Map<string, Library>();
  readonly functions = new Map<string, FunctionInfo>();
  env: FunctionEnv;

  constructor(private readonly host: ScriptHost) {
    this.env = new FunctionEnv(host);
  }

  /** Compile and run a library's top level; returns the library, not linked yet. */
  compile(code: string): Library {
    let header;
    try {
      header = parseLibraryHeader(code);
    } catch (e) {
      if (e instanceof ShebangError) throw new ReplyError("ERR " + e.message);
      throw e;
    }
    if (!NAME_RE.test(header.name)) throw new ReplyError("ERR " + BAD_NAME);
    if (header.engine.toLowerCase() !== "lua") {
      throw new ReplyError(`ERR Engine '${header.engine}' not found`);
    }
    const lib: Library = { name: header.name, engine: "LUA", code, functions: new Map() };
    const env = this.env;
    let chunk;
    try {
      chunk = env.L.load(header.code, "@user_function", { env: env.globals });
    } catch (e) {
      if (e instanceof LuaSyntaxError) {
        throw new ReplyError("ERR Error compiling function: " + e.message);
      }
      throw e;
    }
    env.register = (args) => {
      const r = readRegistration(args);
      if (!NAME_RE.test(r.name)) throw luaError(errorTable(BAD_NAME));
      const key = r.name.toLowerCase();
      if (lib.functions.has(key)) {
        throw luaError(errorTable("Function already exists in the library"));
      }
      lib.functions.set(key, { ...r, library: lib });
    };
    env.loading(true);
    try {
      const run = env.L.start(chunk, []);
      const start = performance.now();
      for (;;) {
        const r = run.resume(10_000);
        if (r.status === "done") break;
        if (r.status === "error") {
          const v = r.error.value;
          const msg = v instanceof LuaTable
            ? rawToString(v.gs("err") ?? "")
            : "ERR " + r.error.message;
          throw new ReplyError("ERR Error registering functions: " + msg);
        }
        if (performance.now() - start > LOAD_TIMEOUT_MS) {
          run.kill();
          throw new ReplyError("ERR Error registering functions: ERR FUNCTION LOAD timeout");
        }
      }
    } finally {
      env.loading(false);
      env.register = null;
    }
    if (lib.functions.size === 0) throw new ReplyError("ERR No functions registered");
    return lib;
  }

  /** FUNCTION LOAD: compile, check collisions, link. Returns the library name. */
  load(code: string, replace: boolean): string {
    const lib = this.compile(code);
    const old = this.libraries.get(lib.name.toLowerCase());
    if (old && !replace) throw new ReplyError(`ERR Library '${lib.name}' already exists`);
    for (const [key, f] of lib.functions) {
      const other = this.functions.get(key);
      if (other && other.library !== old) {
        throw new ReplyError(`ERR Function ${f.name} already exists`);
      }
    }
    if (old) this.unlink(old);
    this.link(lib);
    return lib.name;
  }

  /** Add a library and its functions. */
  link(lib: Library): void {
    this.libraries.set(lib.name.toLowerCase(), lib);
    for (const [key, f] of lib.functions) this.functions.set(key, f);
  }

  /** Remove a library and its functions. */
  unlink(lib: Library): void {
    this.libraries.delete(lib.name.toLowerCase());
    for (const key of lib.functions.keys()) this.functions.delete(key);
  }

  /** Drop every library (FUNCTION FLUSH); the Lua state starts afresh. */
  flush(): void {
    this.libraries.clear();
    this.functions.clear();
    this.env = new FunctionEnv(this.host);
  }

  /** Every library's code, in load order (what RDB / FUNCTION DUMP save). */
  codes(): string[] {
    return [...this.libraries.values()].map((l) => l.code);
  }

  /**
   * Load libraries from their codes (FUNCTION RESTORE, RDB loading) with a restore policy:
   * "flush" replaces everything, "append" fails on any existing library name, "replace"
   * replaces libraries of the same name. All or nothing; throws ReplyError.
   */
  restore(codes: string[], policy: "flush" | "append" | "replace"): void {
    const incoming: Library[] = [];
    const names = new Set<string>();
    const fnNames = new Set<string>();
    for (const code of codes) {
      const lib = this.compile(code);
      if (names.has(lib.name.toLowerCase())) {
        throw new ReplyError(`ERR Library '${lib.name}' already exists`);
      }
      for (const [key, f] of lib.functions) {
        if (fnNames.has(key)) throw new ReplyError(`ERR Function ${f.name} already exists`);
        fnNames.add(key);
      }
      names.add(lib.name.toLowerCase());
      incoming.push(lib);
    }
    if (policy === "flush") {
      this.libraries.clear();
      this.functions.clear();
    } else {
      const replaced = new Set<Library>();
      for (const lib of incoming) {
        const old = this.libraries.get(lib.name.toLowerCase());
        if (old === undefined) continue;
        if (policy === "append") throw new ReplyError(`ERR Library ${lib.name} already exists`);
        replaced.add(old);
      }
      for (const key of fnNames) {
        const other = this.functions.get(key);
        if (other && !replaced.has(other.library)) {
          throw new ReplyError(`ERR Function ${other.name} already exists`);
        }
      }
      for (const old of replaced) this.unlink(old);
    }
    for (const lib of incoming) this.link(lib);
  }
}
