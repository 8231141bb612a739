/**
 * The {@code kinesis} trigger: reads a Kinesis stream's shards on one thread with the AWS SDK v2, hands
 * records to workers with per-shard order, checkpoints per shard only past records the function has
 * finished (at-least-once) in a file, Redis or a store of the user's ({@link
 * io.nucleon.trigger.kinesis.spi.CheckpointStore}), retries failures with backoff, puts records whose
 * attempts are used up to a dead-letter stream, and follows resharding: a child shard is read only after
 * its parents were read to their end. With a {@code batch} section, records go to a {@code BatchFunction}
 * in micro-batches.
 */
package io.nucleon.trigger.kinesis;
