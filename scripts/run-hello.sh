#!/usr/bin/env bash
# Builds Nucleon, runs the hello example function in a local processor, invokes it over HTTP and
# stops it gracefully. With --serve it keeps running until Ctrl-C.
#   HELLO_PORT (default 8080) and HELLO_ADMIN_PORT (default 8082) choose the ports.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/java-env.sh

serve=false
[[ "${1:-}" == "--serve" ]] && serve=true
port="${HELLO_PORT:-8080}"
admin_port="${HELLO_ADMIN_PORT:-8082}"

echo "==> Building the processor and the hello example (first run downloads dependencies)"
# (sed strips the colour codes that Maven 3.8 prints even in batch mode)
mvn -B -q --no-transfer-progress -Dstyle.color=never -DskipTests package -pl processor-image -am 2>&1 \
  | sed 's/\x1b\[[0-9;]*m//g'

mkdir -p target
config="target/hello-function.yaml"
sed "s/port: 8080/port: ${port}/" examples/hello/function.yaml > "$config"
log="target/hello-processor.log"

echo "==> Starting the hello function: HTTP on :${port}, admin on :${admin_port} (log: ${log})"
processor-image/target/nucleon-processor/bin/nucleon-processor \
  --config "$config" --classpath examples/hello/target/hello.jar --admin-port "$admin_port" >"$log" 2>&1 &
pid=$!
stop() {
  if kill -0 "$pid" 2>/dev/null; then
    echo "==> Stopping (SIGTERM: finishes in-flight events, then exits 0)"
    kill -TERM "$pid"
    wait "$pid" && echo "    processor exited with 0"
  fi
}
trap stop EXIT

http_get() { # url -> body; uses curl when present, else the JDK's own client
  if command -v curl >/dev/null 2>&1; then
    curl -fsS ${2:+-d "$2"} "$1"
  else
    "$JAVA_HOME/bin/java" scripts/HttpGet.java "$1" ${2:+"$2"}
  fi
}

deadline=$((SECONDS + 60))
until http_get "http://127.0.0.1:${admin_port}/ready" >/dev/null 2>&1; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "The processor exited before becoming ready:" >&2
    cat "$log" >&2
    trap - EXIT
    exit 1
  fi
  if (( SECONDS > deadline )); then
    echo "The processor did not become ready within 60 s; its log:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.2
done

echo "==> curl -d Nucleon http://127.0.0.1:${port}/"
http_get "http://127.0.0.1:${port}/" "Nucleon"
echo "==> curl http://127.0.0.1:${port}/"
http_get "http://127.0.0.1:${port}/"
echo "==> Handled events (from http://127.0.0.1:${admin_port}/metrics):"
http_get "http://127.0.0.1:${admin_port}/metrics" | { grep '^nuclio_processor_handled_events_total' || true; } | sed 's/^/    /'

if $serve; then
  echo "==> Serving on http://127.0.0.1:${port}/ — press Ctrl-C to stop"
  wait "$pid" || true
fi
