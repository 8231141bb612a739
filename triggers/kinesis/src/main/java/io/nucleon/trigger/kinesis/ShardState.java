package io.nucleon.trigger.kinesis;

import io.micrometer.core.instrument.Gauge;
import io.nucleon.config.BatchConfig;
import io.nucleon.trigger.kinesis.spi.ShardCheckpoint;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
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
 * <p>A shard has at most one unit of work in flight, so its records run in sequence order. Records move
 * from {@link #pending} (fetched) through a unit to done; a record whose run failed moves to {@link
 * #failed} and blocks the shard until a retry succeeds or it is dead-lettered. The checkpoint is the last
 * sequence number below which everything is done:
 *
 * <pre>
 *   checkpoint = failed.isEmpty() ? the later of settledSeq and the run in flight's last finished record
 *                                 : failureFloorSeq (done before the first failure began)
 * </pre>
 *
 * The shard fetches again only when every record it holds is in a unit, so it holds at most the unit in
 * flight and one GetRecords result.
 */
final class ShardState {

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
    private final Consumer<ShardUnit> releases;
    private final ArrayDeque<Record> pending = new ArrayDeque<>();
    private final List<Record> failed = new ArrayList<>();

    private Phase phase;
    private final boolean read;
    private StartPosition start;
    private String iterator;
    private String lastFetchedSeq;
    private long nextFetchNanos;
    private long throttleBackoffNanos;
    /** When the oldest record not yet in a unit arrived (or a later time: never early). */
    private long waitingSinceNanos;

    private ShardUnit inFlight;
    private int failures;
    private long retryAtNanos;
    private String lastError = "";
    private String lastErrorClass = "";
    private boolean deadLetterDue;
    private CompletableFuture<Void> deadLettering;
    private boolean warnedRetryForever;

    private String settledSeq;
    private String failureFloorSeq;
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
            Consumer<ShardUnit> releases) {
        this.shardId = shardId;
        this.index = indexOf(shardId);
        this.parentShardId = parentShardId;
        this.adjacentParentShardId = adjacentParentShardId;
        this.read = read;
        this.start = start;
        this.saved = saved;
        this.triggerName = triggerName;
        this.streamName = streamName;
        this.releases = releases;
        if (saved != null && !saved.ended()) {
            settledSeq = saved.sequenceNumber();
            startedAt = saved.sequenceNumber() == null ? saved : null;
        }
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

    String shardId() {
        return shardId;
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

    private boolean holdsWaitingRecords() {
        return !failed.isEmpty() || pending.size() > inFlightFreshCount();
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
                && settledSeq == null
                && startedAt == null) {
            startedAt = ShardCheckpoint.startedAt(nowMillis);
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
            if (pending.size() == inFlightFreshCount()) {
                waitingSinceNanos = nowNanos; // the first record that no unit holds
            }
            pending.addLast(record);
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

    int bufferedCount() {
        return pending.size() + failed.size();
    }

    /** @return whether the shard is closed and everything it held is done: it may be checkpointed as ended */
    boolean readyToEnd() {
        return phase == Phase.CLOSED
                && pending.isEmpty()
                && failed.isEmpty()
                && inFlight == null
                && deadLettering == null
                && !deadLetterDue;
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

    /** @return how many pending records the unit in flight holds (a retry holds failed ones, not pending) */
    private int inFlightFreshCount() {
        return inFlight == null || inFlight.isRetry() ? 0 : inFlight.size();
    }

    /**
     * The next unit to run, if the shard is free and something is due.
     *
     * @param nowNanos the loop's clock
     * @param batch the batch settings, or {@code null} for runs
     * @param maxRun the most records of one run
     * @return the unit, not yet dispatched; or {@code null}
     */
    ShardUnit nextUnit(long nowNanos, BatchConfig batch, int maxRun) {
        if (inFlight != null || deadLettering != null || deadLetterDue) {
            return null;
        }
        if (!failed.isEmpty()) {
            return nowNanos - retryAtNanos >= 0 ? unit(List.copyOf(failed), batch != null, true) : null;
        }
        if (pending.isEmpty()) {
            return null;
        }
        int take;
        if (batch == null) {
            take = Math.min(pending.size(), maxRun);
        } else if (pending.size() >= batch.batchSize()
                || phase != Phase.READING // a closed shard sends what is left at once
                || nowNanos - waitingSinceNanos >= batch.timeout().toNanos()) {
            take = Math.min(pending.size(), batch.batchSize());
        } else {
            return null;
        }
        List<Record> records = new ArrayList<>(take);
        for (Record record : pending) {
            if (records.size() == take) {
                break;
            }
            records.add(record);
        }
        return unit(records, batch != null, false);
    }

    private ShardUnit unit(List<Record> records, boolean batch, boolean retry) {
        return new ShardUnit(this, records, batch, retry, triggerName, streamName, releases);
    }

    /** @return when a batch that is waiting to fill is due, or {@link Long#MAX_VALUE} */
    long batchDueNanos(BatchConfig batch) {
        return batch == null || pending.isEmpty() || inFlight != null || !failed.isEmpty()
                ? Long.MAX_VALUE
                : waitingSinceNanos + batch.timeout().toNanos();
    }

    /** @return when a scheduled retry is due, or {@link Long#MAX_VALUE} */
    long retryDueNanos() {
        return failed.isEmpty() || inFlight != null ? Long.MAX_VALUE : retryAtNanos;
    }

    /** @param nowNanos the loop's clock: records left waiting behind the unit are timed from now */
    void dispatched(ShardUnit unit, long nowNanos) {
        inFlight = unit;
        if (!unit.isRetry() && pending.size() > unit.size()) {
            waitingSinceNanos = nowNanos; // they arrived earlier; timing them from now is late, never early
        }
    }

    ShardUnit inFlight() {
        return inFlight;
    }

    // ---- outcomes -------------------------------------------------------------------------------------

    /** The first {@code count} records of a fresh run succeeded: they leave the pending list. */
    void settleLeading(ShardUnit unit, int count) {
        for (int i = 0; i < count; i++) {
            pending.pollFirst();
        }
        if (count > 0) {
            settledSeq = unit.records().get(count - 1).sequenceNumber();
        }
    }

    /** The record at the head of the pending list failed its first run: it waits in the failed list. */
    void failHead() {
        Record record = pending.pollFirst();
        failureFloorSeq = settledSeq;
        settledSeq = record.sequenceNumber();
        failed.clear();
        failed.add(record);
        failures = 1;
    }

    /**
     * A fresh batch finished: all its records leave the pending list; those that failed wait in the failed
     * list, the others are done (but the checkpoint stays before the first failure until it is resolved).
     */
    void settleBatch(ShardUnit unit, List<Record> failedRecords) {
        List<Record> records = unit.records();
        for (int i = 0; i < records.size(); i++) {
            pending.pollFirst();
        }
        if (!failedRecords.isEmpty()) {
            int first = records.indexOf(failedRecords.get(0));
            failureFloorSeq = first > 0 ? records.get(first - 1).sequenceNumber() : settledSeq;
        }
        settledSeq = records.get(records.size() - 1).sequenceNumber();
        failed.clear();
        failed.addAll(failedRecords);
        failures = failedRecords.isEmpty() ? 0 : 1;
    }

    /** A retry finished with some records failing again; the others are done. */
    void failedAgain(List<Record> stillFailing) {
        List<Record> copy = List.copyOf(stillFailing);
        failed.clear();
        failed.addAll(copy);
        failures++;
    }

    /** Every failed record succeeded (or was dead-lettered). */
    void failuresResolved() {
        failed.clear();
        failures = 0;
        failureFloorSeq = null;
        deadLetterDue = false;
        deadLettering = null;
        warnedRetryForever = false;
    }

    void unitFinished() {
        inFlight = null;
    }

    void lastError(String errorClass, String message) {
        this.lastErrorClass = errorClass;
        this.lastError = message;
    }

    String lastError() {
        return lastError;
    }

    String lastErrorClass() {
        return lastErrorClass;
    }

    int failures() {
        return failures;
    }

    List<Record> failed() {
        return failed;
    }

    void retryAt(long nanos) {
        retryAtNanos = nanos;
    }

    void deadLetterDue(boolean due) {
        deadLetterDue = due;
    }

    boolean deadLetterDue(long nowNanos) {
        return deadLetterDue && deadLettering == null && inFlight == null && nowNanos - retryAtNanos >= 0;
    }

    void deadLettering(CompletableFuture<Void> sends) {
        deadLettering = sends;
    }

    CompletableFuture<Void> deadLettering() {
        return deadLettering;
    }

    /** @return whether the retry-forever warning still has to be logged (once per stuck record) */
    boolean warnRetryForeverOnce() {
        boolean first = !warnedRetryForever;
        warnedRetryForever = true;
        return first;
    }

    boolean busy() {
        return inFlight != null || (deadLettering != null && !deadLettering.isDone());
    }

    // ---- checkpoints ----------------------------------------------------------------------------------

    /**
     * @return the last sequence number below which every record is done, or {@code null} when none is. A
     *     run in flight counts with the records it has finished so far.
     */
    String doneSeq() {
        if (!failed.isEmpty()) {
            return failureFloorSeq;
        }
        ShardUnit running = inFlight;
        if (running != null && !running.isRetry() && !running.isBatch()) {
            int handled = running.handledCount();
            if (handled > 0) {
                return running.records().get(handled - 1).sequenceNumber();
            }
        }
        return settledSeq;
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
