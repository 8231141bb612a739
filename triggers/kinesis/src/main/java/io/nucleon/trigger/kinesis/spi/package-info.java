/**
 * Plug-in contracts of the {@code kinesis} trigger: {@link io.nucleon.trigger.kinesis.spi.CheckpointStore}
 * keeps where each shard resumes, as {@link io.nucleon.trigger.kinesis.spi.ShardCheckpoint}s.
 */
package io.nucleon.trigger.kinesis.spi;
