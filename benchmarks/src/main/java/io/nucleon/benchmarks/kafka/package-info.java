/**
 * The Kafka trigger against a plain {@code KafkaConsumer} poll loop, end to end on a real broker:
 * {@link io.nucleon.benchmarks.kafka.KafkaTriggerThroughput}, run by {@code benchmarks/kafka-compare.sh}.
 */
package io.nucleon.benchmarks.kafka;
