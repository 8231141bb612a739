package io.nucleon.trigger.kinesis;

import io.nucleon.trigger.kinesis.spi.CheckpointStore;
import io.nucleon.trigger.kinesis.spi.ShardCheckpoint;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import redis.clients.jedis.RedisClient;

/**
 * Checkpoints in one Redis hash per trigger, {@code nucleon:kinesis:<function>:<trigger>}: a field per
 * shard ({@code seq:<n>}, {@code at:<millis>} or {@code ended[:<n>]}) plus {@code _stream}, the stream's
 * name. A save is one {@code HSET} of the changed fields, atomic in Redis. Processors of the same function
 * on several machines can share checkpoints this way (each reading its own {@code shards}).
 */
final class RedisCheckpointStore implements CheckpointStore {

    private final String url;
    private final String key;
    private final String streamName;
    private final RedisClient client;

    RedisCheckpointStore(String url, String key, String streamName) {
        this.url = url;
        this.key = key;
        this.streamName = streamName;
        this.client = RedisClient.create(URI.create(url));
    }

    /** @return the hash key of a trigger's checkpoints */
    static String key(CheckpointStore.Context context) {
        return "nucleon:kinesis:" + context.functionName() + ":" + context.triggerName();
    }

    @Override
    public Map<String, ShardCheckpoint> load() {
        Map<String, String> fields = client.hgetAll(key);
        String stream = fields.get(FileCheckpointStore.STREAM_KEY);
        if (stream != null && !stream.equals(streamName)) {
            throw new IllegalStateException("the checkpoints in Redis hash '" + key + "' belong to stream '" + stream
                    + "', but the trigger reads '" + streamName + "': delete the key to start over");
        }
        Map<String, ShardCheckpoint> checkpoints = new LinkedHashMap<>();
        fields.forEach((shardId, text) -> {
            if (!shardId.equals(FileCheckpointStore.STREAM_KEY)) {
                try {
                    checkpoints.put(shardId, ShardCheckpoint.decode(text));
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(
                            "Redis hash '" + key + "' has a bad entry for " + shardId + ": " + e.getMessage());
                }
            }
        });
        return checkpoints;
    }

    @Override
    public void save(Map<String, ShardCheckpoint> checkpoints) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(FileCheckpointStore.STREAM_KEY, streamName);
        checkpoints.forEach((shardId, checkpoint) -> fields.put(shardId, checkpoint.encode()));
        client.hset(key, fields);
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "redis " + CheckpointStores.redact(url) + " hash " + key;
    }
}
