package io.nucleon.trigger.kinesis;

import io.nucleon.trigger.kinesis.spi.CheckpointStore;
import io.nucleon.trigger.kinesis.spi.ShardCheckpoint;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trigger's side of its {@link CheckpointStore}: loads the checkpoints before anything is read, saves
 * the shards' changed checkpoints every {@code checkpoint.interval} in one call, and a shard's end at once
 * (its children wait for it). A store that fails is the trigger's problem until a call works again; the
 * checkpoints stay in memory and go with the next save. Poll thread only.
 */
final class Checkpointer {

    private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final CheckpointStore store;
    private final long intervalNanos;
    private final String triggerName;
    private final KinesisTriggerMetrics metrics;
    private final ProblemLog log;
    private volatile String problem;
    private Map<String, ShardCheckpoint> loaded;
    private long nextLoadNanos;
    private long nextSaveNanos;
    private long nextEndNanos;

    Checkpointer(
            CheckpointStore store,
            long intervalNanos,
            String triggerName,
            KinesisTriggerMetrics metrics,
            ProblemLog log) {
        this.store = store;
        this.intervalNanos = intervalNanos;
        this.triggerName = triggerName;
        this.metrics = metrics;
        this.log = log;
    }

    /** @return why checkpoints cannot be read or saved now, or {@code null} */
    String problem() {
        return problem;
    }

    /** @return the checkpoints the store had at start-up, or {@code null} until they could be read */
    Map<String, ShardCheckpoint> loaded() {
        return loaded;
    }

    /** @return when the next load attempt or save is due */
    long dueNanos() {
        return loaded == null ? Math.min(nextLoadNanos, nextSaveNanos) : nextSaveNanos;
    }

    /** @return whether the checkpoints are loaded (now or before) */
    boolean load(long now) {
        if (loaded != null) {
            return true;
        }
        if (now - nextLoadNanos < 0) {
            return false;
        }
        try {
            loaded = Map.copyOf(store.load());
            worked();
            LOG.atInfo()
                    .setMessage("kinesis checkpoints loaded")
                    .addKeyValue("trigger", triggerName)
                    .addKeyValue("store", store.toString())
                    .addKeyValue("shards", loaded.size())
                    .log();
            return true;
        } catch (RuntimeException e) {
            failed("cannot read checkpoints from " + store + ": " + e.getMessage(), e);
            nextLoadNanos = now + RETRY_NANOS;
            return false;
        }
    }

    /** Saves the shards' changed checkpoints when the interval has passed. */
    void saveIfDue(ShardState[] shards, long now) {
        if (now - nextSaveNanos >= 0) {
            nextSaveNanos = now + intervalNanos;
            saveChanged(shards);
        }
    }

    /** Saves the shards' changed checkpoints now (shutdown). */
    void saveChanged(ShardState[] shards) {
        Map<String, ShardCheckpoint> changed = new LinkedHashMap<>();
        Map<String, ShardState> byId = new LinkedHashMap<>();
        for (ShardState shard : shards) {
            ShardCheckpoint checkpoint = shard.checkpointToSave();
            if (checkpoint != null) {
                changed.put(shard.shardId(), checkpoint);
                byId.put(shard.shardId(), shard);
            }
        }
        if (!changed.isEmpty() && save(changed)) {
            changed.forEach((shardId, checkpoint) -> byId.get(shardId).saved(checkpoint));
        }
    }

    /**
     * Checkpoints a shard whose records are all done as ended.
     *
     * @return whether the store has it (else it is tried again a second later)
     */
    boolean end(ShardState shard, long now) {
        if (now - nextEndNanos < 0) {
            return false;
        }
        ShardCheckpoint ended = shard.endCheckpoint();
        if (!save(Map.of(shard.shardId(), ended))) {
            nextEndNanos = now + RETRY_NANOS;
            return false;
        }
        shard.ended(ended);
        return true;
    }

    private boolean save(Map<String, ShardCheckpoint> checkpoints) {
        long started = System.nanoTime();
        try {
            store.save(checkpoints);
            metrics.checkpointLatency(System.nanoTime() - started);
            worked();
            return true;
        } catch (RuntimeException e) {
            metrics.checkpointFailed();
            failed("cannot save checkpoints to " + store + ": " + e.getMessage(), e);
            return false;
        }
    }

    private void worked() {
        if (problem != null) {
            problem = null;
            log.solved("kinesis checkpoint store works again");
        }
    }

    private void failed(String why, RuntimeException e) {
        problem = why;
        log.problem(why, e);
    }

    void close() {
        store.close();
    }

    @Override
    public String toString() {
        return store.toString();
    }
}
