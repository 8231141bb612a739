#!/usr/bin/env bash
# Runs a local single-node Apache Kafka broker (KRaft) for the Kafka examples: no Docker and no
# installed Kafka, only the jars Maven downloads. Prints 'bootstrap.servers=127.0.0.1:<port>' and
# runs until Ctrl-C, which stops the broker and deletes its data.
#   KAFKA_PORT (default 9092; 0 picks a free port) chooses the client port; the first argument,
#   if given, overrides it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/java-env.sh

port="${1:-${KAFKA_PORT:-9092}}"
module=testing/kafka-broker
classes="$module/target/classes"
generated="$classes/io/nucleon/testing/kafka"

# Built when it never was, or when its sources changed since; the build also downloads Kafka's jars
# and writes the broker's classpath into the two *.classpath files.
if [[ ! -f "$generated/broker.classpath" || ! -f "$generated/KafkaBrokerMain.class" ]] \
  || [[ -n "$(find "$module/src/main" "$module/pom.xml" -newer "$generated/KafkaBrokerMain.class" -print -quit)" ]]; then
  echo "==> Building $module (first run downloads Kafka's jars)" >&2
  # (sed strips the colour codes that Maven 3.8 prints even in batch mode)
  mvn -B -q --no-transfer-progress -Dstyle.color=never -DskipTests install -pl "$module" -am 2>&1 \
    | sed 's/\x1b\[[0-9;]*m//g'
fi

# The broker's own jars too, so that their log4j binding quietly takes the launcher's client logging.
classpath="$classes:$(cat "$generated/clients.classpath"):$(cat "$generated/broker.classpath")"
where="127.0.0.1:${port}"
[[ "$port" == 0 ]] && where="a free port on 127.0.0.1"
echo "==> Starting a Kafka broker on ${where} (Ctrl-C stops it and deletes its data)" >&2
exec "$JAVA_HOME/bin/java" -cp "$classpath" io.nucleon.testing.kafka.KafkaBrokerMain "$port"
