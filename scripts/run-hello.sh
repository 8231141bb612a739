#!/usr/bin/env bash
# Builds Nucleon and the `nucleon` CLI, deploys the hello example with `nucleon deploy`, invokes it,
# deploys a second function straight from its Java sources (compiled on the fly), invokes that, and
# deletes both (graceful stop). With --serve, hello keeps running until Ctrl-C.
#   HELLO_PORT (default 8080) chooses hello's HTTP port. The CLI keeps its state in
#   target/nucleon-home (NUCLEON_HOME), so this script never touches ~/.nucleon.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/java-env.sh

serve=false
[[ "${1:-}" == "--serve" ]] && serve=true
port="${HELLO_PORT:-8080}"

echo "==> Building the processor, the CLI and the hello example (first run downloads dependencies)"
# (sed strips the colour codes that Maven 3.8 prints even in batch mode)
mvn -B -q --no-transfer-progress -Dstyle.color=never -DskipTests package -pl processor-image,cli -am 2>&1 \
  | sed 's/\x1b\[[0-9;]*m//g'

mkdir -p target
export NUCLEON_HOME="$PWD/target/nucleon-home"
nucleon=cli/target/nucleon-cli/bin/nucleon
deployed=()
cleanup() {
  local name
  for name in "${deployed[@]}"; do
    echo "==> nucleon delete ${name}   (SIGTERM: finishes in-flight events, then exits 0)"
    "$nucleon" delete "$name" || true
  done
}
trap cleanup EXIT

echo "==> nucleon deploy -f examples/hello/function.yaml --port ${port}"
"$nucleon" deploy -f examples/hello/function.yaml --port "$port"
deployed+=(hello)
echo "==> nucleon invoke hello -b Nucleon"
"$nucleon" invoke hello -b Nucleon
echo "==> nucleon invoke hello"
"$nucleon" invoke hello

echo "==> nucleon deploy greeter -p examples/greeter-sources -e GREETING=Bonjour   (Java sources, compiled now)"
"$nucleon" deploy greeter -p examples/greeter-sources -e GREETING=Bonjour
deployed+=(greeter)
echo "==> nucleon invoke greeter -b Nucleon"
"$nucleon" invoke greeter -b Nucleon

echo "==> nucleon get"
"$nucleon" get

if $serve; then
  echo "==> Serving hello on http://127.0.0.1:${port}/ — press Ctrl-C to stop"
  while "$nucleon" get hello >/dev/null 2>&1; do sleep 1; done
fi
