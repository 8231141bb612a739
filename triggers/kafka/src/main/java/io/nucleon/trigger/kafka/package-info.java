/**
 * The {@code kafka-cluster} trigger: a consumer-group member that hands records to workers with
 * per-partition order, commits offsets only past records the function has finished (at-least-once),
 * retries failures with backoff, sends records whose retries are used up to a dead-letter topic, pauses
 * partitions instead of buffering without bound, and gives partitions up cleanly in cooperative
 * rebalances. With a {@code batch} section, records go to a {@code BatchFunction} in micro-batches.
 */
package io.nucleon.trigger.kafka;
