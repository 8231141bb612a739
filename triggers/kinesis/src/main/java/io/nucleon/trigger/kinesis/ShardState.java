package io.nucleon.trigger.kinesis;

import io.micrometer.core.instrument.Gauge;
import io.nucleon.runtime.stream.OrderedSource;
import io.nucleon.runtime.stream.RecordEvent;
import io.nucleon.runtime.stream.RecordUnit;
import io.nucleon.trigger.kinesis.spi.ShardCheckpoint;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.spi.LoggingEventBuilder;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * What the trigger knows about one shard it reads. Owned by the poll thread.
 *
 * <pre>
 *   WAITING_FOR_PARENTS -parents ended-> READING -GetRecords without a next iterator-> CLOSED
 *       -every record done and the end checkpointed-> ENDED
 * </pre>
 *
 * <p>The records, the unit in flight and the failures are an {@link OrderedSource}'s; a shard adds its
 * reading, its phase and its checkpoints. The checkpoint is the last sequence number below which
 * everything is done:
 *
 * <pre>
 *   checkpoint = failed.isEmpty() ? the run in flight's last finished record, else lastSettled
 *                                 : doneBeforeFailure (done before the first failure began)
 * </pre>
 *
 * where a record this shard has not settled yet stands for the loaded checkpoint's sequence number.
 *
 * The shard fetches again only when every record it holds is in a unit, so it holds at most the unit in
 * flight and one GetRecords result.
 */
final class ShardState extends OrderedSource<Record> {

    enum Phase {
        WAITING_FOR_PARENTS,
        READING,
        CLOSED,
        ENDED
    }

    private final String shardId;
    private final int index;
    private final String parentShardId;
    private final String adjacentParentShardId;
    private final String triggerName;
    private final String streamName;

    private Phase phase;
    private final boolean read;
    private StartPosition start;
    private String iterator;
    private String lastFetchedSeq;
    private long nextFetchNanos;
    private long throttleBackoffNanos;

    /** The loaded checkpoint's sequence number: where "done" stands until a record of this run settles. */
    private final String loadedSeq;

    private ShardCheckpoint startedAt;
    private ShardCheckpoint saved;
    private volatile long millisBehindLatest;
    private Gauge gauge;

    /**
     * @param read false for a shard the trigger skips (closed before a {@code LATEST} start): it counts as
     *     ended at once, and its children start where {@code iteratorType} says rather than at their start
     * @param start where reading begins, for a shard that is read
     * @param saved the checkpoint loaded from the store, or {@code null}
     */
    ShardState(
            String shardId,
            String parentShardId,
            String adjacentParentShardId,
            boolean read,
            StartPosition start,
            ShardCheckpoint saved,
            String triggerName,
            String streamName,
            Consumer<RecordUnit<Record>> releases) {
        super(releases);
        this.shardId = shardId;
        this.index = indexOf(shardId);
        this.parentShardId = parentShardId;
        this.adjacentParentShardId = adjacentParentShardId;
        this.read = read;
        this.start = start;
        this.saved = saved;
        this.triggerName = triggerName;
        this.streamName = streamName;
        boolean resumes = saved != null && !saved.ended();
        this.loadedSeq = resumes ? saved.sequenceNumber() : null;
        this.startedAt = resumes && saved.sequenceNumber() == null ? saved : null;
        this.phase = !read || (saved != null && saved.ended()) ? Phase.ENDED : Phase.WAITING_FOR_PARENTS;
    }

    /** For tests: a shard read from TRIM_HORIZON whose units report their release nowhere in particular. */
    ShardState(String shardId) {
        this(shardId, null, null, true, StartPosition.of(ShardIteratorType.TRIM_HORIZON), null, "test", "s", u -> {});
    }

    /** @return the number in {@code shardId-000000000003}, or -1 for an id of another form */
    static int indexOf(String shardId) {
        int dash = shardId.lastIndexOf('-');
        try {
            return dash < 0 ? -1 : Integer.parseInt(shardId.substring(dash + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** @return the shard whose records a unit of this trigger holds */
    static ShardState of(RecordUnit<Record> unit) {
        return (ShardState) unit.source();
    }

    String shardId() {
        return shardId;
    }

    @Override
    protected RecordEvent<Record> newEvent() {
        return new KinesisRecordEvent(triggerName, streamName, this);
    }

    @Override
    public LoggingEventBuilder describe(LoggingEventBuilder line, Record record) {
        return line.addKeyValue("stream", streamName)
                .addKeyValue("shard", shardId)
                .addKeyValue("sequenceNumber", record.sequenceNumber())
                .addKeyValue("partitionKey", record.partitionKey());
    }

    /** A closed shard sends what is left at once: no more records will fill the batch. */
    @Override
    protected boolean sendsPartialBatches() {
        return phase != Phase.READING;
    }

    int index() {
        return index;
    }

    String parentShardId() {
        return parentShardId;
    }

    String adjacentParentShardId() {
        return adjacentParentShardId;
    }

    Phase phase() {
        return phase;
    }

    /** @return whether the trigger reads (or read) this shard's records, rather than skipping it */
    boolean read() {
        return read;
    }

    StartPosition start() {
        return start;
    }

    // ---- reading --------------------------------------------------------------------------------------

    /** Its parents are done: the shard may be read. */
    void startReading(long nowNanos) {
        if (phase == Phase.WAITING_FOR_PARENTS) {
            phase = Phase.READING;
            nextFetchNanos = nowNanos;
        }
    }

    /** @return whether the shard should call GetRecords (or get an iterator first) now */
    boolean wantsRecords(long nowNanos) {
        return phase == Phase.READING && !holdsWaitingRecords() && nowNanos - nextFetchNanos >= 0;
    }

    /** @return when the shard wants records next, or {@link Long#MAX_VALUE} while it has enough */
    long fetchDueNanos() {
        return phase == Phase.READING && !holdsWaitingRecords() ? nextFetchNanos : Long.MAX_VALUE;
    }

    String iterator() {
        return iterator;
    }

    /**
     * @return where a new iterator starts: after the last record fetched, or the start position when none
     *     was fetched yet
     */
    StartPosition iteratorPosition() {
        return lastFetchedSeq != null ? StartPosition.afterCheckpoint(lastFetchedSeq) : start;
    }

    /**
     * A new iterator. A shard begun at {@code LATEST} notes when, so that a restart before any record is
     * done resumes from then ({@link ShardCheckpoint#startedAt}) rather than from a later {@code LATEST}.
     */
    void iterator(String iterator, long nowMillis) {
        this.iterator = iterator;
        if (lastFetchedSeq == null
                && start.type() == ShardIteratorType.LATEST
                && settledSeq() == null
                && startedAt == null) {
            startedAt = ShardCheckpoint.startedAt(nowMillis);
            // A later iterator (this one expired, say, before the first record came) must not start at a
            // later LATEST and skip what was put meanwhile: it starts from when this one was issued.
            start = StartPosition.atTimestamp(
                    java.time.Instant.ofEpochMilli(nowMillis).minus(ShardPlanner.CLOCK_SKEW_ALLOWANCE));
        }
    }

    /** The iterator expired or was refused: the next fetch gets a new one from {@link #iteratorPosition()}. */
    void dropIterator() {
        iterator = null;
    }

    /**
     * The position cannot be used (a checkpoint from an earlier stream of the same name): the next iterator
     * starts at {@code position}, whatever was fetched before.
     */
    void restartFrom(StartPosition position) {
        start = position;
        lastFetchedSeq = null;
        iterator = null;
    }

    /**
     * A GetRecords answer.
     *
     * @param records the records, in sequence order
     * @param nextIterator the next iterator, or {@code null} when the shard is closed and read to its end
     * @param millisBehind how far the shard's end is ahead of these records
     * @param pollingPeriodNanos the wait before the next call when the shard is caught up
     */
    void fetched(List<Record> records, String nextIterator, long millisBehind, long nowNanos, long pollingPeriodNanos) {
        for (Record record : records) {
            fetched(record, nowNanos);
            lastFetchedSeq = record.sequenceNumber();
        }
        iterator = nextIterator;
        throttleBackoffNanos = 0;
        millisBehindLatest = millisBehind;
        if (nextIterator == null) {
            phase = Phase.CLOSED;
        }
        boolean caughtUp = records.isEmpty() || millisBehind <= 0;
        nextFetchNanos = caughtUp ? nowNanos + pollingPeriodNanos : nowNanos;
    }

    /**
     * Kinesis refused the read (throughput exceeded): wait, doubling the wait each time, from the polling
     * period up to {@code maxNanos}.
     */
    void throttled(long nowNanos, long pollingPeriodNanos, long maxNanos) {
        throttleBackoffNanos = throttleBackoffNanos == 0
                ? Math.max(pollingPeriodNanos, 200_000_000L)
                : Math.min(maxNanos, throttleBackoffNanos * 2);
        nextFetchNanos = nowNanos + throttleBackoffNanos;
    }

    /** Tries again after {@code delayNanos}, e.g. when the shard or stream was not found. */
    void fetchAfter(long nowNanos, long delayNanos) {
        nextFetchNanos = nowNanos + delayNanos;
    }

    long millisBehindLatest() {
        return millisBehindLatest;
    }

    /** @return whether the shard is closed and everything it held is done: it may be checkpointed as ended */
    boolean readyToEnd() {
        return phase == Phase.CLOSED && holdsNothing();
    }

    /** @return the checkpoint that marks this shard finished, once {@link #readyToEnd()} */
    ShardCheckpoint endCheckpoint() {
        return ShardCheckpoint.ended(doneSeq());
    }

    /** The end is checkpointed ({@code checkpoint} is in the store): children may be read. */
    void ended(ShardCheckpoint checkpoint) {
        phase = Phase.ENDED;
        saved = checkpoint;
    }

    // ---- what to run next -----------------------------------------------------------------------------

    // ---- checkpoints ----------------------------------------------------------------------------------

    /**
     * @return the last sequence number below which every record is done, or {@code null} when none is. A
     *     run in flight counts with the records it has finished so far.
     */
    String doneSeq() {
        if (!failed().isEmpty()) {
            return seqOf(doneBeforeFailure());
        }
        Record running = lastHandledInFlight();
        return running != null ? running.sequenceNumber() : settledSeq();
    }

    /** @return the sequence number of the last record that left the pending list, or the loaded one */
    private String settledSeq() {
        return seqOf(lastSettled());
    }

    private String seqOf(Record record) {
        return record != null ? record.sequenceNumber() : loadedSeq;
    }

    /** @return what a restart should know about this shard now, or {@code null} when nothing */
    ShardCheckpoint checkpoint() {
        if (phase == Phase.ENDED) {
            return saved != null && saved.ended() ? saved : ShardCheckpoint.ended(doneSeq());
        }
        String done = doneSeq();
        if (done != null) {
            return ShardCheckpoint.after(done);
        }
        return startedAt != null ? startedAt : saved;
    }

    /** @return the checkpoint to save now, or {@code null} when the store has it already */
    ShardCheckpoint checkpointToSave() {
        if (!read) {
            return null; // skipped shards are skipped again after a restart; nothing to remember
        }
        ShardCheckpoint now = checkpoint();
        return now != null && !now.equals(saved) ? now : null;
    }

    /** The store has {@code checkpoint}. */
    void saved(ShardCheckpoint checkpoint) {
        saved = checkpoint;
    }

    ShardCheckpoint savedCheckpoint() {
        return saved;
    }

    Gauge gauge() {
        return gauge;
    }

    void gauge(Gauge gauge) {
        this.gauge = gauge;
    }

    @Override
    public String toString() {
        return shardId + "(" + phase + ")";
    }
}
