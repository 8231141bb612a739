package io.nucleon.trigger.kinesis;

import io.nucleon.trigger.kinesis.spi.CheckpointStore;
import io.nucleon.trigger.kinesis.spi.ShardCheckpoint;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A checkpoint store of the user's own, named by class in function.yaml; keeps checkpoints by {@code options.name}. */
public final class MemoryCheckpointStore implements CheckpointStore {

    static final Map<String, Map<String, ShardCheckpoint>> BY_NAME = new ConcurrentHashMap<>();
    static final Map<String, CheckpointStore.Context> CONTEXTS = new ConcurrentHashMap<>();

    private final Map<String, ShardCheckpoint> checkpoints;

    public MemoryCheckpointStore(CheckpointStore.Context context) {
        String name = context.options().get("name");
        CONTEXTS.put(name, context);
        this.checkpoints = BY_NAME.computeIfAbsent(name, n -> new ConcurrentHashMap<>());
    }

    @Override
    public Map<String, ShardCheckpoint> load() {
        return Map.copyOf(checkpoints);
    }

    @Override
    public void save(Map<String, ShardCheckpoint> changed) {
        checkpoints.putAll(changed);
    }

    @Override
    public void close() {}
}
