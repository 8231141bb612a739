package io.nucleon.trigger.kinesis.spi;

import java.util.Map;

/**
 * Where a {@code kinesis} trigger keeps its {@link ShardCheckpoint}s. The trigger's poll thread is the only
 * caller: {@link #load()} once before reading, then {@link #save} every {@code checkpoint.interval}, when a
 * shard ends, and on shutdown. Calls may block (a bounded time: a store that cannot answer should fail,
 * and the trigger tries again later and reports the failure as its problem).
 *
 * <p>Nucleon ships {@code file} and {@code redis}. Any other store is named by class in function.yaml
 * ({@code checkpoint: {store: com.example.DynamoCheckpoints, options: {table: checkpoints}}}); the class
 * must implement this interface and have a public constructor taking a {@link Context}.
 */
public interface CheckpointStore extends AutoCloseable {

    /**
     * Reads every shard's checkpoint.
     *
     * @return checkpoints by shard id; empty when the trigger never saved any
     * @throws RuntimeException when the store cannot be read
     */
    Map<String, ShardCheckpoint> load();

    /**
     * Stores these shards' checkpoints, replacing what they had; other shards keep theirs. Durable once it
     * returns: the trigger then counts the records as checkpointed.
     *
     * @param checkpoints checkpoints by shard id
     * @throws RuntimeException when they could not be stored (the trigger saves them again later)
     */
    void save(Map<String, ShardCheckpoint> checkpoints);

    /** Releases connections and files. */
    @Override
    void close();

    /**
     * What a store is for, given to its constructor.
     *
     * @param functionName the function's name
     * @param triggerName the trigger's name
     * @param streamName the stream the trigger reads
     * @param options the {@code checkpoint.options} mapping (empty when absent)
     */
    record Context(String functionName, String triggerName, String streamName, Map<String, String> options) {
        public Context {
            options = Map.copyOf(options);
        }
    }
}
