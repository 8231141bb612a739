#!/usr/bin/env bash
# Kafka-trigger throughput against a plain KafkaConsumer poll loop (commitAsync after processing each
# poll), on the same real broker and the same topic, in one run: io.nucleon.benchmarks.kafka.KafkaTriggerThroughput.
# It starts a single-node Kafka broker (KRaft, its own JVM, from nucleon-testing-kafka; nothing to
# install, loopback only), produces RECORDS records per topic, then alternates the baseline and the
# trigger (a real Processor, one run per entry of WORKERS) for WARMUP_ROUNDS + ROUNDS rounds, and prints
# records/s per run, the CPU used by this JVM and by the broker, the consumers' own poll/fetch/commit
# counts, and the median ratio trigger/plain per worker count.
#
# Usage: benchmarks/kafka-compare.sh
# Settings (environment):
#   RECORDS=2000000,4000000   records per topic: one count, or one per entry of PARTITIONS
#   PARTITIONS=1,4            one topic per partition count
#   WORKERS=1,2               the trigger's numWorkers, each measured every round
#   ROUNDS=3  WARMUP_ROUNDS=1 measured rounds, and rounds run first and left out
#   VALUE_BYTES=100  MAX_POLL_RECORDS=500 (both consumers)  COMMIT_INTERVAL= (trigger's; empty: its default, 1s)
#   RUN_TIMEOUT=180           seconds before a run that has not seen every record fails
#   HEAP=1g                   this JVM's heap (-Xms and -Xmx); the broker's JVM has its own 512 MB
#   JAVA_OPTS=                more flags for this JVM, e.g. a JFR recording (see benchmarks/README.md)
#   SKIP_BUILD=1              use benchmarks/target/benchmarks.jar as it is; otherwise it is (re)built
#   MVN_ARGS="-B -q"          for that build; add -o to build offline
# Needs a JDK 21+ (found by scripts/java-env.sh) and Maven.
# The defaults take 7-10 minutes on 2 cores, most of it the trigger on one partition (see README.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

records="${RECORDS:-2000000,4000000}"
partitions="${PARTITIONS:-1,4}"
workers="${WORKERS:-1,2}"
rounds="${ROUNDS:-3}"
warmup_rounds="${WARMUP_ROUNDS:-1}"
value_bytes="${VALUE_BYTES:-100}"
max_poll_records="${MAX_POLL_RECORDS:-500}"
commit_interval="${COMMIT_INTERVAL:-}"
run_timeout="${RUN_TIMEOUT:-180}"
heap="${HEAP:-1g}"
benchmarks_jar="benchmarks/target/benchmarks.jar"

fail() {
  echo "kafka-compare: $*" >&2
  exit 1
}

# Checked here for a clear message; the Java side checks ranges again.
for setting in records partitions workers; do
  [[ "${!setting}" =~ ^[0-9]+(,[0-9]+)*$ ]] || fail "${setting^^} must be a number or a comma-separated list, got '${!setting}'"
done
for setting in rounds warmup_rounds value_bytes max_poll_records run_timeout; do
  [[ "${!setting}" =~ ^[0-9]+$ ]] || fail "${setting^^} must be a whole number, got '${!setting}'"
done
[[ "$heap" =~ ^[0-9]+[kmgKMG]?$ ]] || fail "HEAP must look like 1g or 768m, got '$heap'"

source "$(dirname "${BASH_SOURCE[0]}")/../scripts/java-env.sh" # sets JAVA_HOME to a JDK 21+, or stops
jdk="$JAVA_HOME"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  command -v mvn >/dev/null 2>&1 || fail "mvn not found; install Maven, or build elsewhere and set SKIP_BUILD=1"
  echo "==> Building $benchmarks_jar (mvn ${MVN_ARGS:--B -q} -pl benchmarks -am package -DskipTests)"
  # shellcheck disable=SC2086 # MVN_ARGS is a list of flags
  JAVA_HOME="$jdk" mvn ${MVN_ARGS:--B -q} -pl benchmarks -am package -DskipTests
fi
[[ -f "$benchmarks_jar" ]] || fail "$benchmarks_jar is missing; build it: mvn -B -pl benchmarks -am package -DskipTests"

args=(
  "records=$records" "partitions=$partitions" "workers=$workers" "rounds=$rounds"
  "warmupRounds=$warmup_rounds" "valueBytes=$value_bytes" "maxPollRecords=$max_poll_records"
  "runTimeoutSeconds=$run_timeout"
)
[[ -n "$commit_interval" ]] && args+=("commitInterval=$commit_interval")

echo "==> KafkaTriggerThroughput ${args[*]}"
# The broker runs in a child JVM that the benchmark starts and stops (also on Ctrl-C, by a shutdown hook).
# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
exec "$jdk/bin/java" --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
  -Xms"$heap" -Xmx"$heap" ${JAVA_OPTS:-} \
  -cp "$benchmarks_jar" io.nucleon.benchmarks.kafka.KafkaTriggerThroughput "${args[@]}"
