#!/usr/bin/env bash
# Run Redis's TCL acceptance units in external-server mode against Modis (Bun and Deno) and
# against the reference redis-server, and print a pass/fail table per unit.
#
#   test/tcl/run.sh /path/to/redis-source [unit ...]
#   e.g. test/tcl/run.sh /tmp/redis unit/type/string unit/keyspace
#
# The Redis tests are used from a private temporary copy, never from (or copied into) this
# repository. In that copy one line is changed: the harness's `r function flush` (run before
# every test file) is wrapped in `catch {}`, because FUNCTION needs the scripting module,
# which Modis may not have yet; without it every unit would abort before its first test.
# The script says so when it runs.
#
# Each (server, unit) pair gets a fresh server, so a crash in one unit does not spill into
# the next. Cells read ok/err/exc: tests passed, failed, and harness exceptions (an
# exception aborts the rest of the unit). Full outputs stay in the results directory printed
# at the end. Environment: MODIS_RUNTIMES=bun,deno narrows runtimes, TCL_TIMEOUT (seconds per
# unit, default 300), TCL_TAGS (default "-needs:repl -needs:debug").
set -uo pipefail

if [ $# -lt 1 ] || [ ! -f "$1/tests/test_helper.tcl" ]; then
  echo "usage: $0 /path/to/redis-source [unit ...]   (a Redis source tree with tests/test_helper.tcl)" >&2
  exit 2
fi
REDIS_SRC=$(cd "$1" && pwd)
shift
if [ $# -gt 0 ]; then
  UNITS=("$@")
else
  UNITS=(unit/protocol unit/auth unit/quit unit/keyspace unit/expire unit/scan unit/type/string unit/type/incr
    unit/info-command unit/type/list unit/type/hash unit/type/set unit/type/zset)
fi
REPO=$(cd "$(dirname "$0")/../.." && pwd)
TIMEOUT=${TCL_TIMEOUT:-300}
TAGS=${TCL_TAGS:-"-needs:repl -needs:debug"}
IFS=, read -r -a RUNTIMES <<< "${MODIS_RUNTIMES:-bun,deno}"

for tool in redis-server tclsh8.6; do
  if ! command -v "$tool" > /dev/null && ! { [ "$tool" = tclsh8.6 ] && command -v tclsh8.5 > /dev/null; }; then
    echo "missing $tool (apt-get install redis-server tcl)" >&2
    exit 2
  fi
done

WORK=$(mktemp -d /tmp/modis-tcl-XXXXXX)
RESULTS=$(mktemp -d /tmp/modis-tcl-results-XXXXXX)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2> /dev/null; wait "$SERVER_PID" 2> /dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cp -r "$REDIS_SRC/tests" "$REDIS_SRC/runtest" "$WORK/"
# Some tests call src/redis-cli or src/redis-benchmark: point them at the installed tools.
mkdir -p "$WORK/src"
for tool in redis-cli redis-benchmark redis-server redis-check-aof redis-check-rdb; do
  command -v "$tool" > /dev/null && ln -s "$(command -v "$tool")" "$WORK/src/$tool"
done
SERVER_TCL="$WORK/tests/support/server.tcl"
if grep -qE '^\s*r function flush\s*$' "$SERVER_TCL"; then
  sed -i -E 's/^(\s*)r function flush\s*$/\1catch {r function flush}/' "$SERVER_TCL"
  echo "note: in the temporary copy $WORK/tests, tests/support/server.tcl's 'r function flush' is wrapped in 'catch {}'"
  echo "      (FUNCTION needs the scripting module); the Redis tree at $REDIS_SRC is untouched"
else
  echo "note: 'r function flush' not found in tests/support/server.tcl; running the copy unchanged"
fi

# start_server KIND LOGFILE: sets SERVER_PID and PORT, or returns non-zero.
start_server() {
  local kind=$1 log=$2
  PORT=""
  if [ "$kind" = redis ]; then
    for _ in 1 2 3 4 5; do
      PORT=$((20000 + RANDOM % 20000))
      redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
        --enable-debug-command yes --dir "$WORK" > "$log" 2>&1 &
      SERVER_PID=$!
      for _ in $(seq 100); do
        redis-cli -p "$PORT" ping 2> /dev/null | grep -q PONG && return 0
        kill -0 "$SERVER_PID" 2> /dev/null || break
        sleep 0.05
      done
      kill "$SERVER_PID" 2> /dev/null; wait "$SERVER_PID" 2> /dev/null; SERVER_PID=""
    done
    return 1
  fi
  local cmd
  if [ "$kind" = bun ]; then cmd=(bun run "$REPO/mod.ts"); else cmd=(deno run -A "$REPO/mod.ts"); fi
  (cd "$WORK" && exec "${cmd[@]}" --port 0 --save "" --appendonly no) > "$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 400); do
    PORT=$(sed -nE 's/.*Running mode=standalone, port=([0-9]+).*/\1/p' "$log" | head -1)
    [ -n "$PORT" ] && return 0
    kill -0 "$SERVER_PID" 2> /dev/null || return 1
    sleep 0.05
  done
  return 1
}

stop_server() {
  [ -z "$SERVER_PID" ] && return
  kill "$SERVER_PID" 2> /dev/null
  for _ in $(seq 100); do kill -0 "$SERVER_PID" 2> /dev/null || break; sleep 0.05; done
  kill -9 "$SERVER_PID" 2> /dev/null
  wait "$SERVER_PID" 2> /dev/null
  SERVER_PID=""
}

KINDS=(redis "${RUNTIMES[@]}")
declare -A CELL TOTAL_OK TOTAL_ERR
for kind in "${KINDS[@]}"; do TOTAL_OK[$kind]=0; TOTAL_ERR[$kind]=0; done

for unit in "${UNITS[@]}"; do
  for kind in "${KINDS[@]}"; do
    name=$([ "$kind" = redis ] && echo redis || echo "modis-$kind")
    out="$RESULTS/${unit//\//_}.$name.out"
    if ! start_server "$kind" "$RESULTS/${unit//\//_}.$name.server.log"; then
      CELL[$unit,$kind]="no server"
      stop_server
      continue
    fi
    (cd "$WORK" && timeout "$TIMEOUT" ./runtest --host 127.0.0.1 --port "$PORT" --single "$unit" \
      --durable --tags "$TAGS" > "$out" 2>&1)
    rc=$?
    stop_server
    sed -i 's/\x1b\[[0-9;]*m//g' "$out" # the harness colours its tags
    ok=$(grep -c '^\[ok\]' "$out")
    err=$(grep -c '^\[err\]' "$out")
    exc=$(grep -c '^\[exception\]' "$out")
    cell="$ok/$err/$exc"
    [ "$rc" = 124 ] && cell="$cell timeout"
    CELL[$unit,$kind]=$cell
    TOTAL_OK[$kind]=$((TOTAL_OK[$kind] + ok))
    TOTAL_ERR[$kind]=$((TOTAL_ERR[$kind] + err + exc))
    echo "$unit [$name]: ok=$ok err=$err exception=$exc (exit $rc)" >&2
  done
done

echo
printf '%-22s' "unit (ok/err/exc)"
for kind in "${KINDS[@]}"; do printf '%18s' "$([ "$kind" = redis ] && echo redis-server || echo "modis-$kind")"; done
echo
for unit in "${UNITS[@]}"; do
  printf '%-22s' "$unit"
  for kind in "${KINDS[@]}"; do printf '%18s' "${CELL[$unit,$kind]}"; done
  echo
done
printf '%-22s' "total passed/failed"
for kind in "${KINDS[@]}"; do printf '%18s' "${TOTAL_OK[$kind]}/${TOTAL_ERR[$kind]}"; done
echo
echo "outputs: $RESULTS"
