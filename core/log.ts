/**
 * Logging in Redis's shape: `pid:role dd Mon yyyy hh:mm:ss.mmm <level> message`, where the
 * level mark is `.` debug, `-` verbose, `*` notice, `#` warning, and role is M (master) or S
 * (replica). Lines go to stdout, or appended to `logfile`.
 */

/** Log levels, least to most severe. */
export type LogLevel = "debug" | "verbose" | "notice" | "warning" | "nothing";

const RANK: Record<LogLevel, number> = { debug: 0, verbose: 1, notice: 2, warning: 3, nothing: 4 };
const MARK: Record<LogLevel, string> = {
  debug: ".",
  verbose: "-",
  notice: "*",
  warning: "#",
  nothing: "",
};
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function pad(n: number, w = 2): string {
  return String(n).padStart(w, "0");
}

/**
 * Format a timestamp as Redis does in logs: "22 Nov 2026 10:04:05.123".
 *
 * @example
 * ```ts
 * formatLogTime(new Date(0)); // "01 Jan 1970 00:00:00.000" in UTC
 * ```
 */
export function formatLogTime(d: Date): string {
  return `${pad(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours())}:${
    pad(d.getMinutes())
  }:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/**
 * A logger with Redis's line format.
 *
 * @example
 * ```ts
 * const log = new Logger(1234, (line) => console.log(line));
 * log.log("notice", "Ready to accept connections tcp");
 * ```
 */
export class Logger {
  level: LogLevel = "notice";
  role = "M";

  constructor(private readonly pid: number, public sink: (line: string) => void) {}

  /** Whether a message at `level` would be written. */
  enabled(level: LogLevel): boolean {
    return RANK[level] >= RANK[this.level] && level !== "nothing";
  }

  log(level: LogLevel, msg: string): void {
    if (!this.enabled(level)) return;
    this.sink(`${this.pid}:${this.role} ${formatLogTime(new Date())} ${MARK[level]} ${msg}`);
  }
}
