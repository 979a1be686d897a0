#!/usr/bin/env bash
# BullMQ against Modis, as a user would run it: a queue, a worker pool of 4, 20 jobs (one
# failing on purpose), a delayed job and a prioritised one, on Modis under Bun, under Deno,
# and on redis-server; the three summaries must be identical (timing aside).
#
#   test/clients/bullmq.sh
#
# BullMQ and ioredis are installed from npm into a temporary directory (a client library
# under test, never a dependency of Modis). Run on demand; needs network access to npm.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/modis-bullmq-XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2> /dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

cd "$WORK"
npm init -y > /dev/null
npm install --silent --no-audit --no-fund bullmq@5 ioredis@5 > /dev/null
cat > run.mjs <<'JS'
import { Queue, Worker } from "bullmq";
const connection = { host: "127.0.0.1", port: Number(process.argv[2]), maxRetriesPerRequest: null };
const queue = new Queue("emails", { connection });
const done = [];
const worker = new Worker("emails", async (job) => {
  if (job.data.fail) throw new Error("deliberate failure");
  return { sent: job.data.to };
}, { connection, concurrency: 4 });
worker.on("completed", (job, r) => done.push(["completed", job.id, r.sent]));
worker.on("failed", (job, err) => done.push(["failed", job.id, err.message]));
worker.on("error", (e) => console.log("worker error:", e.message));
for (let i = 0; i < 20; i++) {
  await queue.add("send", { to: `user${i}@x.io`, fail: i === 7 }, { attempts: 1 });
}
await queue.add("later", { to: "delayed@x.io" }, { delay: 300 });
await queue.add("prio", { to: "vip@x.io" }, { priority: 1 });
const deadline = Date.now() + 10000;
while (done.length < 22 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
const counts = await queue.getJobCounts();
const sent = done.filter((d) => d[0] === "completed").map((d) => d[2]).sort();
console.log(JSON.stringify({
  processed: done.length,
  completed: sent.length,
  sent: sent.join(","),
  failed: done.filter((d) => d[0] === "failed").map((d) => d.slice(1)),
  counts,
}));
await worker.close();
await queue.close();
process.exit(0);
JS

port=$((20000 + RANDOM % 20000))
start() { # name command...
  local name=$1
  shift
  "$@" > "$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do redis-cli -p "$port" ping > /dev/null 2>&1 && return; sleep 0.1; done
  echo "$name did not start" >&2
  exit 1
}
declare -A RESULT
for server in redis bun deno; do
  port=$((port + 1))
  case $server in
    redis) start redis redis-server --port "$port" --save "" --appendonly no ;;
    bun) start bun bun run "$REPO/mod.ts" --port "$port" --save "" ;;
    deno) start deno deno run -A "$REPO/mod.ts" --port "$port" --save "" ;;
  esac
  RESULT[$server]=$(node run.mjs "$port")
  echo "$server: ${RESULT[$server]}"
  redis-cli -p "$port" shutdown nosave > /dev/null 2>&1 || true
done
if [ "${RESULT[bun]}" = "${RESULT[redis]}" ] && [ "${RESULT[deno]}" = "${RESULT[redis]}" ]; then
  echo "BullMQ: Modis (Bun, Deno) and redis-server agree"
else
  echo "BullMQ: results differ" >&2
  exit 1
fi
