#!/usr/bin/env bash
# End-to-end HTTP comparison, side by side in one run: the Nucleon processor running the hello example
# against a raw Netty server that answers the same bytes (io.nucleon.benchmarks.RawNettyHelloServer).
# wrk drives each with the same threads, connections and duration, after a short warm-up, and the
# script prints both req/s and the ratio processor/raw, then the processor's own counters. Only loopback
# addresses are used. Load runs 2 x WRK_WARMUP + 2 x WRK_ROUNDS x WRK_DURATION seconds (100 s by
# default), plus start-up and stop, each bounded.
#
# Usage: benchmarks/wrk-compare.sh
# Settings (environment):
#   WRK_THREADS=1  WRK_CONNECTIONS=32  WRK_DURATION=15  WRK_WARMUP=5   (seconds, at most 300 each)
#   WRK_ROUNDS=3   measured rounds (1-5), raw and processor alternating; the ratio is of the medians
#   RAW_PORT=18081  HTTP_PORT=18080  ADMIN_PORT=18082  NUM_WORKERS=2
#   KEEP_LOGS=1 keeps the temporary folder with both servers' logs and the function.yaml.
# Needs: wrk (Debian: apt-get install -y wrk), a JDK 21+, and the built artifacts:
#   mvn -B install -DskipTests && mvn -B -f benchmarks/pom.xml package
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

threads="${WRK_THREADS:-1}"
connections="${WRK_CONNECTIONS:-32}"
duration="${WRK_DURATION:-15}"
warmup="${WRK_WARMUP:-5}"
rounds="${WRK_ROUNDS:-3}"
raw_port="${RAW_PORT:-18081}"
http_port="${HTTP_PORT:-18080}"
admin_port="${ADMIN_PORT:-18082}"
num_workers="${NUM_WORKERS:-2}"
ready_timeout=60

benchmarks_jar="benchmarks/target/benchmarks.jar"
launcher="processor-image/target/nucleon-processor/bin/nucleon-processor"
hello_jar="examples/hello/target/hello.jar"
hello_handler="io.nucleon.examples.hello.Hello"

fail() {
  echo "wrk-compare: $*" >&2
  exit 1
}

# ---- checks: nothing is installed or built here --------------------------------------------------

for setting in threads connections duration warmup rounds raw_port http_port admin_port num_workers; do
  [[ "${!setting}" =~ ^[0-9]+$ ]] || fail "$setting must be a whole number, got '${!setting}'"
done
(( duration >= 1 && duration <= 300 )) || fail "WRK_DURATION must be 1-300 seconds, got $duration"
(( warmup >= 1 && warmup <= 300 )) || fail "WRK_WARMUP must be 1-300 seconds, got $warmup"
(( rounds >= 1 && rounds <= 5 )) || fail "WRK_ROUNDS must be 1-5, got $rounds"
(( connections >= threads )) || fail "WRK_CONNECTIONS ($connections) must be at least WRK_THREADS ($threads)"

command -v wrk >/dev/null 2>&1 \
  || fail "wrk not found on the PATH. Install it first, e.g. on Debian/Ubuntu: sudo apt-get install -y wrk"

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1 | cut -d. -f1
}
if [[ -n "${JAVA_HOME:-}" ]]; then
  jdk="$JAVA_HOME"
  [[ -x "$jdk/bin/java" ]] || fail "JAVA_HOME=$jdk has no bin/java"
elif [[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]]; then
  jdk=/usr/lib/jvm/temurin-25-jdk-amd64
else
  fail "no JDK found: set JAVA_HOME to a JDK 21 or newer"
fi
major="$(java_major "$jdk/bin/java")"
[[ -n "$major" && "$major" -ge 21 ]] || fail "$jdk is Java ${major:-?}; a JDK 21 or newer is needed (set JAVA_HOME)"
java="$jdk/bin/java"

build_hint="build first: mvn -B install -DskipTests && mvn -B -f benchmarks/pom.xml package"
[[ -f "$benchmarks_jar" ]] || fail "$benchmarks_jar is missing; $build_hint"
[[ -x "$launcher" ]] || fail "$launcher is missing; $build_hint"
[[ -f "$hello_jar" ]] || fail "$hello_jar is missing; $build_hint"

port_open() { # port -> success when something accepts connections on 127.0.0.1:port
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
for port in "$raw_port" "$http_port" "$admin_port"; do
  port_open "$port" && fail "127.0.0.1:$port is already in use; choose other RAW_PORT / HTTP_PORT / ADMIN_PORT"
done

http_status() { # port path -> prints the status code of GET http://127.0.0.1:port/path
  local line
  exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
  IFS= read -r -t 2 line <&3 || { exec 3<&-; return 1; }
  exec 3<&-
  line="${line%$'\r'}"
  echo "${line#* }" | cut -d' ' -f1
}

http_body() { # port path -> prints the body of GET http://127.0.0.1:port/path (HTTP/1.0: read to close)
  local response
  exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
  response="$(timeout 5 cat <&3)" || true
  exec 3<&-
  printf '%s\n' "${response#*$'\r\n\r\n'}"
}

# ---- start both servers, stop them on any exit -----------------------------------------------------

work="$(mktemp -d "${TMPDIR:-/tmp}/nucleon-wrk.XXXXXX")"
raw_pid=""
processor_pid=""

stop_server() { # pid name
  local pid="$1" waited=0
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && (( waited < 200 )); do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "wrk-compare: $2 did not stop within 20 s after SIGTERM; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local status=$?
  stop_server "$processor_pid" "the processor"
  stop_server "$raw_pid" "the raw Netty server"
  if [[ "${KEEP_LOGS:-0}" == 1 || $status -ne 0 ]]; then
    echo "wrk-compare: logs and function.yaml kept in $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cat >"$work/function.yaml" <<EOF
apiVersion: nuclio.io/v1
kind: NuclioFunction
metadata:
  name: hello
spec:
  handler: ${hello_handler}
  runtime: java
  triggers:
    http:
      kind: http
      numWorkers: ${num_workers}
      attributes:
        host: 127.0.0.1
        port: ${http_port}
EOF

echo "==> Starting the raw Netty server on 127.0.0.1:${raw_port} (log: $work/raw.log)"
"$java" --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
  -cp "$benchmarks_jar" io.nucleon.benchmarks.RawNettyHelloServer "$raw_port" >"$work/raw.log" 2>&1 &
raw_pid=$!

echo "==> Starting the processor with the hello example on 127.0.0.1:${http_port}, admin :${admin_port} (log: $work/processor.log)"
JAVA_HOME="$jdk" "$launcher" --config "$work/function.yaml" --classpath "$hello_jar" \
  --admin-host 127.0.0.1 --admin-port "$admin_port" --drain-timeout 10s >"$work/processor.log" 2>&1 &
processor_pid=$!

await_ready() { # name pid port path log
  local deadline=$((SECONDS + ready_timeout))
  until [[ "$(http_status "$3" "$4" 2>/dev/null)" == 200 ]]; do
    if ! kill -0 "$2" 2>/dev/null; then
      echo "wrk-compare: $1 exited before it was ready; its log:" >&2
      cat "$5" >&2
      exit 1
    fi
    if (( SECONDS >= deadline )); then
      echo "wrk-compare: $1 was not ready within ${ready_timeout} s; its log:" >&2
      cat "$5" >&2
      exit 1
    fi
    sleep 0.2
  done
}
await_ready "the raw Netty server" "$raw_pid" "$raw_port" / "$work/raw.log"
await_ready "the processor" "$processor_pid" "$admin_port" /ready "$work/processor.log"
[[ "$(http_status "$http_port" /)" == 200 ]] || fail "the processor is ready but http://127.0.0.1:${http_port}/ does not answer 200"

# ---- measure ----------------------------------------------------------------------------------------

run_wrk() { # seconds url output
  timeout $(( $1 + 30 )) wrk -t"$threads" -c"$connections" -d"$1s" --latency "$2" >"$3" \
    || fail "wrk against $2 failed; see $3"
}
field() { # file -> req/s
  awk '/^Requests\/sec:/ { print $2 }' "$1"
}
p99() { # file -> 99th percentile latency
  awk '$1 == "99%" { print $2 }' "$1"
}
errors() { # file -> non-2xx responses and socket errors, or 0
  awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$1"
}

raw_url="http://127.0.0.1:${raw_port}/"
processor_url="http://127.0.0.1:${http_port}/"
echo "==> Warm-up: wrk -t${threads} -c${connections} -d${warmup}s, each server"
run_wrk "$warmup" "$raw_url" "$work/warmup-raw.txt"
run_wrk "$warmup" "$processor_url" "$work/warmup-processor.txt"

echo "==> Measuring: wrk -t${threads} -c${connections} -d${duration}s --latency, ${rounds} round(s), servers alternating"
echo
printf '%-7s %-34s %12s %10s %8s\n' "round" "server" "req/s" "p99" "errors"
raw_all=()
processor_all=()
error_total=0
for ((round = 1; round <= rounds; round++)); do
  for server in raw processor; do
    out="$work/${server}-${round}.txt"
    if [[ "$server" == raw ]]; then
      run_wrk "$duration" "$raw_url" "$out"
      label="raw Netty (RawNettyHelloServer)"
    else
      run_wrk "$duration" "$processor_url" "$out"
      label="processor, hello, ${num_workers} workers"
    fi
    rps="$(field "$out")"
    [[ -n "$rps" ]] || fail "could not read Requests/sec from $out"
    errs="$(errors "$out")"
    error_total=$((error_total + errs))
    printf '%-7s %-34s %12s %10s %8s\n' "$round" "$label" "$rps" "$(p99 "$out")" "$errs"
    if [[ "$server" == raw ]]; then raw_all+=("$rps"); else processor_all+=("$rps"); fi
  done
done

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
raw_median="$(median "${raw_all[@]}")"
processor_median="$(median "${processor_all[@]}")"
echo
echo "median req/s: raw ${raw_median}, processor ${processor_median}"
awk -v p="$processor_median" -v r="$raw_median" 'BEGIN { printf "ratio processor/raw: %.2f\n", p / r }'
if (( error_total > 0 )); then
  echo "warning: ${error_total} responses were errors (non-2xx or socket errors); rerun with KEEP_LOGS=1 to see wrk's output" >&2
fi
# What the processor counted: every request should be a success, and nothing should stay in flight.
sleep 1
echo
echo "processor counters (http://127.0.0.1:${admin_port}/metrics, /status):"
http_body "$admin_port" /metrics \
  | grep -E '^(nuclio_processor_handled_events_total|nucleon_trigger_events_rejected_total|nuclio_processor_worker_allocation_total\{[^}]*error_timeout)' \
  | sed 's/^/  /' || true
in_flight="$(http_body "$admin_port" /status | grep -o '"inFlight":[0-9]*' | head -n1 | cut -d: -f2)"
echo "  events in flight 1 s after the load: ${in_flight:-?}"
if [[ -n "$in_flight" && "$in_flight" != 0 ]]; then
  echo "warning: ${in_flight} ring slots are still taken with no load: events or slots were lost inside" \
    "the processor (see benchmarks/README.md, 'Known issues')" >&2
fi
echo "($(nproc) CPUs shared by wrk and the servers: compare the ratio, not the absolute figures)"
