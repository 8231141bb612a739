/**
 * The kafka-enrich example: a {@link io.nucleon.function.BatchFunction} that consumes order lines from one
 * Kafka topic in micro-batches and produces enriched JSON orders to another, at least once.
 */
package io.nucleon.examples.kafka;
