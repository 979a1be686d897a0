/**
 * Starting real servers for e2e, differential and TCL runs: Modis under Bun or Deno as a
 * subprocess (exactly as a user runs it: `bun run mod.ts ...`, `deno run -A mod.ts ...`),
 * and Debian's redis-server as the reference.
 *
 * Ports: Modis is started with `--port 0` and the port is read from its
 * "Running mode=standalone, port=N." log line, so there is no race for a port. redis-server
 * treats port 0 as "no TCP", so for it a free port is found by binding port 0 and closing it,
 * retrying on the rare "Address already in use".
 *
 * Cleanup: every process started here is remembered until stopped; `useModis`/`useRedis`
 * stop theirs in afterAll (which runs even when tests fail), and a process exit hook kills
 * whatever is left, so a crashed test run leaves no servers behind on a shared machine.
 * Each server runs in its own temporary directory so dump files, logs and Unix sockets never
 * land in the repository.
 */

import { afterAll, beforeAll } from "bun:test";
import { RespClient, type Target } from "./resp_client.ts";

// deno-lint-ignore no-explicit-any
const Bun = (globalThis as any).Bun;
// deno-lint-ignore no-explicit-any
const proc = (globalThis as any).process;

/** The runtimes Modis runs on. */
export type Runtime = "bun" | "deno";

/** Repository root (test/helpers/ is two levels down). */
export const REPO_ROOT: string = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

/**
 * The runtimes e2e suites are parametrized over: `MODIS_RUNTIMES=bun` narrows a local run.
 *
 * @example
 * ```ts
 * for (const runtime of RUNTIMES) describe(`ping [${runtime}]`, () => {});
 * ```
 */
export const RUNTIMES: Runtime[] = (proc?.env?.MODIS_RUNTIMES ?? "bun,deno")
  .split(",")
  .map((s: string) => s.trim())
  .filter((s: string): s is Runtime => s === "bun" || s === "deno");

const live = new Set<{ kill(): void }>();
proc?.once?.("exit", () => {
  for (const p of live) p.kill();
});

/**
 * Make a fresh temporary directory.
 *
 * @example
 * ```ts
 * const dir = makeTempDir("modis-conf");
 * ```
 */
export function makeTempDir(prefix = "modis-test"): string {
  const r = Bun.spawnSync(["mktemp", "-d", `/tmp/${prefix}-XXXXXX`]);
  if (r.exitCode !== 0) throw new Error("mktemp failed");
  return new TextDecoder().decode(r.stdout).trim();
}

function removeDir(dir: string): void {
  if (dir.startsWith("/tmp/")) Bun.spawnSync(["rm", "-rf", dir]);
}

/**
 * A free TCP port on 127.0.0.1 (bound once on port 0, then released).
 *
 * @example
 * ```ts
 * const port = freePort();
 * ```
 */
export function freePort(): number {
  const l = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = l.port;
  l.stop(true);
  return port;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A running server process. */
export interface ServerHandle {
  /** "bun", "deno" or "redis". */
  readonly kind: Runtime | "redis";
  /** TCP port (0 when listening only on a Unix socket). */
  readonly port: number;
  readonly pid: number;
  /** The process's working directory (a private temp dir). */
  readonly dir: string;
  /** Every stdout/stderr line so far. */
  readonly logs: string[];
  /** Connect a new client (TCP, or the given target); closed automatically on stop(). */
  client(target?: Target): Promise<RespClient>;
  /** Resolve with the first log line matching `re` (past or future). */
  waitForLog(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code when the process ends. */
  readonly exited: Promise<number | null>;
  /** Send `signal` (SIGTERM by default), wait for exit (SIGKILL after 10 s); returns the exit code. */
  stop(signal?: string): Promise<number | null>;
}

interface SpawnOptions {
  kind: Runtime | "redis";
  cmd: string[];
  dir: string;
  ownsDir: boolean;
}

function spawnServer(o: SpawnOptions): ServerHandle & { setPort(p: number): void } {
  const child = Bun.spawn(o.cmd, { cwd: o.dir, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  live.add(child);
  const logs: string[] = [];
  const watchers: { re: RegExp; resolve(line: string): void }[] = [];
  const clients: RespClient[] = [];
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const dec = new TextDecoder();
    let partial = "";
    for await (const chunk of stream) {
      partial += dec.decode(chunk, { stream: true });
      const lines = partial.split("\n");
      partial = lines.pop()!;
      for (const line of lines) {
        logs.push(line);
        for (let i = watchers.length - 1; i >= 0; i--) {
          if (watchers[i].re.test(line)) watchers.splice(i, 1)[0].resolve(line);
        }
      }
    }
    if (partial) logs.push(partial);
  };
  const pumped = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const exited: Promise<number | null> = child.exited.then(async (code: number | null) => {
    live.delete(child);
    await pumped.catch(() => {});
    return code;
  });
  let port = 0;
  let stopping: Promise<number | null> | null = null;
  return {
    kind: o.kind,
    get port() {
      return port;
    },
    setPort(p: number) {
      port = p;
    },
    pid: child.pid,
    dir: o.dir,
    logs,
    exited,
    async client(target?: Target) {
      const c = await RespClient.connect(target ?? { port });
      clients.push(c);
      return c;
    },
    waitForLog(re: RegExp, timeoutMs = 10_000) {
      const seen = logs.find((l) => re.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`no log line matching ${re} within ${timeoutMs} ms:\n${logs.join("\n")}`),
            ),
          timeoutMs,
        );
        watchers.push({
          re,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`process exited before logging ${re}:\n${logs.join("\n")}`));
        });
      });
    },
    stop(signal = "SIGTERM") {
      stopping ??= (async () => {
        for (const c of clients) c.close();
        if (live.has(child)) child.kill(signal);
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        const code = await exited;
        clearTimeout(timer);
        if (o.ownsDir) removeDir(o.dir);
        return code;
      })();
      return stopping;
    },
  };
}

async function waitForPong(h: ServerHandle, target: Target, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  h.exited.then(() => (exited = true));
  let last = "";
  while (Date.now() < deadline && !exited) {
    try {
      const c = await RespClient.connect(target);
      try {
        const r = await c.send("PING");
        if (JSON.stringify(r) === JSON.stringify({ simple: "PONG" })) return;
        // NOAUTH still proves the server answers.
        if (typeof r === "object" && r !== null && "error" in r && r.error.startsWith("NOAUTH")) {
          return;
        }
        last = JSON.stringify(r);
      } finally {
        c.close();
      }
    } catch (e) {
      last = String(e);
    }
    await sleep(50);
  }
  throw new Error(
    `${h.kind} server did not answer PING (${exited ? "exited" : last}):\n${h.logs.join("\n")}`,
  );
}

/** Options for `startServer`. */
export interface StartOptions {
  runtime: Runtime;
  /** Extra command-line arguments, redis-server style: ["--requirepass", "pw"]. */
  args?: string[];
  /** A config file path (passed first, like `redis-server /path/redis.conf`). */
  configFile?: string;
  /** Working directory (default: a fresh temp dir removed on stop). */
  dir?: string;
  /** Don't add `--save "" --appendonly no` (for persistence tests). */
  persistence?: boolean;
  /** Startup timeout in ms (default 20 s: Deno's first run compiles). */
  timeoutMs?: number;
}

/** The command line that runs Modis on a runtime. */
export function modisCommand(runtime: Runtime, args: string[]): string[] {
  const entry = `${REPO_ROOT}/mod.ts`;
  return runtime === "bun" ? ["bun", "run", entry, ...args] : ["deno", "run", "-A", entry, ...args];
}

function optionValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/**
 * Start Modis as a subprocess and wait until it answers PING.
 *
 * @example
 * ```ts
 * const s = await startServer({ runtime: "deno", args: ["--requirepass", "pw"] });
 * const c = await s.client();
 * await s.stop();
 * ```
 */
export async function startServer(opts: StartOptions): Promise<ServerHandle> {
  const extra = opts.args ?? [];
  const args = [...(opts.configFile ? [opts.configFile] : [])];
  if (!extra.includes("--port")) args.push("--port", "0");
  if (!opts.persistence) args.push("--save", "", "--appendonly", "no");
  args.push(...extra);
  const dir = opts.dir ?? makeTempDir(`modis-${opts.runtime}`);
  const h = spawnServer({
    kind: opts.runtime,
    cmd: modisCommand(opts.runtime, args),
    dir,
    ownsDir: !opts.dir,
  });
  try {
    const timeout = opts.timeoutMs ?? 20_000;
    const line = await h.waitForLog(/Running mode=standalone, port=\d+/, timeout);
    h.setPort(Number(/port=(\d+)/.exec(line)![1]));
    const unix = optionValue(extra, "--unixsocket");
    const target: Target = h.port > 0
      ? { port: h.port }
      : { path: unix!.startsWith("/") ? unix! : `${dir}/${unix}` };
    await waitForPong(h, target, timeout);
    return h;
  } catch (e) {
    await h.stop("SIGKILL");
    throw e;
  }
}

/**
 * Run Modis expecting it to exit by itself (startup errors); returns exit code and output.
 *
 * @example
 * ```ts
 * const r = await runServerToExit({ runtime: "bun", args: ["--no-such-directive", "1"] });
 * expect(r.code).not.toBe(0);
 * ```
 */
export async function runServerToExit(
  opts: StartOptions,
): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  const args = [...(opts.configFile ? [opts.configFile] : []), ...(opts.args ?? [])];
  const dir = opts.dir ?? makeTempDir(`modis-${opts.runtime}`);
  const h = spawnServer({
    kind: opts.runtime,
    cmd: modisCommand(opts.runtime, args),
    dir,
    ownsDir: !opts.dir,
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    h.stop("SIGKILL");
  }, opts.timeoutMs ?? 15_000);
  const code = await h.exited;
  clearTimeout(timer);
  await h.stop();
  return { code, output: h.logs.join("\n"), timedOut };
}

/**
 * Whether Debian's redis-server is installed (CI installs it; locally it may be absent).
 *
 * @example
 * ```ts
 * describe.skipIf(!hasRedis())("vs redis", () => {});
 * ```
 */
export function hasRedis(): boolean {
  return Bun.which("redis-server") !== null;
}

/**
 * Start a reference redis-server on a free port (no persistence), or return null with a
 * visible message when the binary is absent.
 *
 * @example
 * ```ts
 * const redis = await startRedis();
 * if (redis) { const c = await redis.client(); await redis.stop(); }
 * ```
 */
export async function startRedis(opts: { args?: string[] } = {}): Promise<ServerHandle | null> {
  if (!hasRedis()) {
    console.warn(
      "SKIP: redis-server is not installed (apt-get install redis-server); reference runs skipped",
    );
    return null;
  }
  for (let attempt = 0;; attempt++) {
    const port = freePort();
    const dir = makeTempDir("modis-redis");
    const cmd = [
      "redis-server",
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--daemonize",
      "no",
      "--dir",
      dir,
      ...(opts.args ?? []),
    ];
    const h = spawnServer({ kind: "redis", cmd, dir, ownsDir: true });
    h.setPort(port);
    try {
      await waitForPong(h, { port }, 10_000);
      return h;
    } catch (e) {
      await h.stop("SIGKILL");
      if (attempt >= 3 || !h.logs.some((l) => /in use/i.test(l))) throw e;
    }
  }
}

/**
 * Start Modis for the enclosing `describe` block and stop it afterwards (even when tests
 * fail). Returns a getter, since the server only exists once beforeAll has run.
 *
 * @example
 * ```ts
 * describe("ping", () => {
 *   const server = useModis({ runtime: "bun" });
 *   test("pong", async () => expect(await (await server().client()).send("PING")).toEqual(simple("PONG")));
 * });
 * ```
 */
export function useModis(opts: StartOptions): () => ServerHandle {
  let h: ServerHandle | null = null;
  beforeAll(async () => {
    h = await startServer(opts);
  });
  afterAll(async () => {
    await h?.stop();
  });
  return () => {
    if (!h) throw new Error("server not started");
    return h;
  };
}

/**
 * Like `useModis` for the reference redis-server; the getter returns null when it's absent.
 *
 * @example
 * ```ts
 * const redis = useRedis();
 * test("x", async () => { if (!redis()) return; });
 * ```
 */
export function useRedis(opts: { args?: string[] } = {}): () => ServerHandle | null {
  let h: ServerHandle | null = null;
  beforeAll(async () => {
    h = await startRedis(opts);
  });
  afterAll(async () => {
    await h?.stop();
  });
  return () => h;
}

/** A server kind tests can run against: Modis on a runtime, or the reference redis-server. */
export type ServerKind = Runtime | "redis";

/**
 * The Modis runtimes plus "redis" when redis-server is installed (and MODIS_E2E_REDIS is not
 * "0"): suites whose expectations are plain Redis behaviour run against the reference too,
 * which checks the expectations themselves.
 *
 * @example
 * ```ts
 * for (const kind of kindsWithRedis()) describe(`protocol [${kind}]`, () => {});
 * ```
 */
export function kindsWithRedis(): ServerKind[] {
  const withRedis = hasRedis() && proc?.env?.MODIS_E2E_REDIS !== "0";
  if (!hasRedis()) {
    console.warn("SKIP: redis-server is not installed; suites run against Modis only");
  }
  return withRedis ? [...RUNTIMES, "redis"] : [...RUNTIMES];
}

/**
 * `useModis` or `useRedis` by kind, for suites parametrized over `kindsWithRedis()`.
 *
 * @example
 * ```ts
 * const server = useServer("redis", { args: ["--requirepass", "pw"] });
 * ```
 */
export function useServer(kind: ServerKind, opts: { args?: string[] } = {}): () => ServerHandle {
  if (kind !== "redis") return useModis({ runtime: kind, args: opts.args });
  const get = useRedis(opts);
  return () => {
    const h = get();
    if (!h) throw new Error("redis-server not available");
    return h;
  };
}
