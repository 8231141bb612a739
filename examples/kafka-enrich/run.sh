#!/usr/bin/env bash
# Shows the kafka-enrich example end to end: builds Nucleon and the example, starts a local Kafka broker
# and the function in a processor, produces 20 orders and one malformed line, prints the enriched orders
# and the dead letter, then stops everything (also on Ctrl-C or a failure).
#   KAFKA_PORT (default 0: a free port) chooses the broker's port, ENRICH_ADMIN_PORT (default 8082) the
#   processor's admin port.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/java-env.sh

example=examples/kafka-enrich
work="$example/target/run"
admin_port="${ENRICH_ADMIN_PORT:-8082}"
processor_log="$work/processor.log"
broker_log="$work/broker.log"
broker_pid=""
processor_pid=""

echo "==> Building the processor, the local Kafka broker and the example (first run downloads dependencies)"
# (sed strips the colour codes that Maven 3.8 prints even in batch mode)
mvn -B -q --no-transfer-progress -Dstyle.color=never -DskipTests package \
  -pl processor-image,testing/kafka-broker,"$example" -am 2>&1 | sed 's/\x1b\[[0-9;]*m//g'
lib=processor-image/target/nucleon-processor/lib
rm -rf "$work"
mkdir -p "$work"

stop() {
  if [[ -n "$processor_pid" ]] && kill -0 "$processor_pid" 2>/dev/null; then
    echo "==> Stopping the processor (SIGTERM: finishes in-flight batches, commits, exits 0)"
    kill -TERM "$processor_pid"
    wait "$processor_pid" && echo "    processor exited with 0"
  fi
  if [[ -n "$broker_pid" ]] && kill -0 "$broker_pid" 2>/dev/null; then
    echo "==> Stopping the broker (its data is deleted)"
    kill -TERM "$broker_pid"
    wait "$broker_pid" || true
  fi
}
trap stop EXIT

fail() { # message, log file -> exits 1 after showing the log's end
  echo "$1; the end of $2:" >&2
  tail -n 40 "$2" >&2
  exit 1
}

# The client side (topics, producer, reader): one source file that needs only kafka-clients.
demo() {
  "$JAVA_HOME/bin/java" -Dslf4j.internal.verbosity=ERROR \
    -cp "$(echo "$lib"/kafka-clients-*.jar):$(echo "$lib"/slf4j-api-*.jar)" \
    "$example/src/test/java/io/nucleon/examples/kafka/OrdersDemo.java" "$@"
}

http_get() { # url -> body; uses curl when present, else the JDK's own client
  if command -v curl >/dev/null 2>&1; then
    curl -fsS "$1"
  else
    "$JAVA_HOME/bin/java" scripts/HttpGet.java "$1"
  fi
}

echo "==> Starting a local Kafka broker (log: $broker_log)"
scripts/kafka-broker.sh "${KAFKA_PORT:-0}" >"$work/broker.out" 2>"$broker_log" &
broker_pid=$!
deadline=$((SECONDS + 120))
until grep -q '^bootstrap.servers=' "$work/broker.out" 2>/dev/null; do
  kill -0 "$broker_pid" 2>/dev/null || fail "The broker exited before it was ready" "$broker_log"
  (( SECONDS < deadline )) || fail "The broker was not ready within 120 s" "$broker_log"
  sleep 0.2
done
brokers="$(sed -n 's/^bootstrap.servers=//p' "$work/broker.out")"
echo "    bootstrap.servers=$brokers"

echo "==> Creating the topics"
demo topics "$brokers"

# function.yaml names 127.0.0.1:9092 (scripts/kafka-broker.sh's default); point a copy at this broker.
sed "s/127\.0\.0\.1:9092/${brokers}/g" "$example/function.yaml" >"$work/function.yaml"
echo "==> Starting the function: kafka-cluster trigger on 'orders', admin on :${admin_port} (log: ${processor_log})"
processor-image/target/nucleon-processor/bin/nucleon-processor --config "$work/function.yaml" \
  --classpath "$example/target/kafka-enrich.jar" --admin-port "$admin_port" >"$processor_log" 2>&1 &
processor_pid=$!
deadline=$((SECONDS + 60))
until http_get "http://127.0.0.1:${admin_port}/ready" >/dev/null 2>&1; do
  kill -0 "$processor_pid" 2>/dev/null || fail "The processor exited before becoming ready" "$processor_log"
  (( SECONDS < deadline )) || fail "The processor did not become ready within 60 s" "$processor_log"
  sleep 0.2
done

echo "==> Producing 20 orders and one malformed line to 'orders' (key -> topic/partition/offset  line)"
demo produce "$brokers" 20

echo "==> Reading 'orders-enriched' (key  value)"
demo read "$brokers" orders-enriched 20 || fail "Not every order came out" "$processor_log"

echo "==> Reading 'orders-dlq': the malformed line, after 3 attempts (key  value, then headers)"
demo read "$brokers" orders-dlq 1 || fail "No dead letter came out" "$processor_log"

echo "==> Counters (from http://127.0.0.1:${admin_port}/metrics): records, then handleBatch calls"
http_get "http://127.0.0.1:${admin_port}/metrics" \
  | { grep -E '^nuclio_processor_handled_events_total\{.*success|^nucleon_kafka_records_[a-z_]+_total' || true; } \
  | sed 's/{.*}//; s/^/    /'
