#!/usr/bin/env bash
# RabbitMQ-trigger throughput against a plain amqp-client consumer (prefetch, basicAck after each message),
# on the same broker and queue, in one run: io.nucleon.benchmarks.rabbitmq.RabbitTriggerThroughput.
# Needs RabbitMQ on 127.0.0.1:5672 (guest/guest) or URL=amqp://...; prints msg/s per run and the median ratio.
#
# Usage: benchmarks/rabbitmq-compare.sh
# Settings (environment): MESSAGES=100000 ROUNDS=3 WORKERS=2 PREFETCH=256 BODY_BYTES=100 URL= HEAP=1g
#   SKIP_BUILD=1 to use benchmarks/target/benchmarks.jar as it is; MVN_ARGS="-B -q" for the build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/java-env.sh # sets JAVA_HOME to a JDK 21+, or stops
benchmarks_jar="benchmarks/target/benchmarks.jar"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  echo "==> Building $benchmarks_jar (mvn ${MVN_ARGS:--B -q} -pl benchmarks -am package -DskipTests)"
  mvn ${MVN_ARGS:--B -q} -pl benchmarks -am package -DskipTests
fi
props=(-Dmessages="${MESSAGES:-100000}" -Drounds="${ROUNDS:-3}" -Dworkers="${WORKERS:-2}"
  -Dprefetch="${PREFETCH:-256}" -DbodyBytes="${BODY_BYTES:-100}")
[[ -n "${URL:-}" ]] && props+=(-Durl="$URL")
echo "==> RabbitTriggerThroughput ${props[*]}"
exec "$JAVA_HOME/bin/java" --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
  -Xms"${HEAP:-1g}" -Xmx"${HEAP:-1g}" ${JAVA_OPTS:-} "${props[@]}" \
  -cp "$benchmarks_jar" io.nucleon.benchmarks.rabbitmq.RabbitTriggerThroughput
