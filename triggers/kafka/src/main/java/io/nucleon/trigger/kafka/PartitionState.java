package io.nucleon.trigger.kafka;

import io.micrometer.core.instrument.Gauge;
import io.nucleon.config.BatchConfig;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What the trigger knows about one assigned partition. Owned by the poll thread.
 *
 * <p>A partition has at most one unit of work in flight, so its records run in offset order. Records
 * move from {@link #pending} (fetched) through a unit to done; a record whose run failed moves to {@link
 * #failed} and blocks the partition until a retry succeeds or it is dead-lettered. The offset to commit
 * is therefore always "everything below it is done":
 *
 * <pre>
 *   commitOffset = failed.isEmpty() ? max(settledUpTo, end of the run in flight's finished records)
 *                                   : failed.first.offset
 * </pre>
 */
final class PartitionState {

    private final TopicPartition topicPartition;
    private final String triggerName;
    private final Consumer<RecordUnit> releases;
    private final ArrayDeque<ConsumerRecord<byte[], byte[]>> pending = new ArrayDeque<>();
    private final List<ConsumerRecord<byte[], byte[]>> failed = new ArrayList<>();
    private long settledUpTo = -1;
    private long committed = -1;
    private long commitRequested = -1;
    /** When the oldest record not yet in a unit arrived (or a later time: never early). */
    private long waitingSinceNanos;

    private RecordUnit inFlight;
    private int failures;
    private long retryAtNanos;
    private String lastError = "";
    private String lastErrorClass = "";
    private boolean deadLetterDue;
    private CompletableFuture<Void> deadLettering;
    private boolean paused;
    private boolean revoked;
    private boolean warnedRetryForever;
    private volatile long lag;
    private Gauge lagGauge;

    PartitionState(TopicPartition topicPartition, String triggerName, Consumer<RecordUnit> releases) {
        this.topicPartition = topicPartition;
        this.triggerName = triggerName;
        this.releases = releases;
    }

    /** For tests: units report their release nowhere in particular. */
    PartitionState(TopicPartition topicPartition) {
        this(topicPartition, "test", unit -> {});
    }

    TopicPartition topicPartition() {
        return topicPartition;
    }

    // ---- fetched records ------------------------------------------------------------------------------

    void fetched(ConsumerRecord<byte[], byte[]> record, long nowNanos) {
        if (pending.size() == inFlightFreshCount()) {
            waitingSinceNanos = nowNanos; // the first record that no unit holds
        }
        pending.addLast(record);
    }

    /** @return how many pending records the unit in flight holds (a retry holds failed ones, not pending) */
    private int inFlightFreshCount() {
        return inFlight == null || inFlight.isRetry() ? 0 : inFlight.size();
    }

    int bufferedCount() {
        return pending.size() + failed.size();
    }

    // ---- what to run next -----------------------------------------------------------------------------

    /**
     * The next unit to run, if the partition is free and something is due.
     *
     * @param nowNanos the loop's clock
     * @param batch the batch settings, or {@code null} for runs
     * @param maxRun the most records of one run
     * @return the unit, not yet dispatched; or {@code null}
     */
    RecordUnit nextUnit(long nowNanos, BatchConfig batch, int maxRun) {
        if (inFlight != null || deadLettering != null || deadLetterDue || revoked) {
            return null;
        }
        if (!failed.isEmpty()) {
            return nowNanos - retryAtNanos >= 0
                    ? new RecordUnit(this, List.copyOf(failed), batch != null, true, triggerName, releases)
                    : null;
        }
        if (pending.isEmpty()) {
            return null;
        }
        int take;
        if (batch == null) {
            take = Math.min(pending.size(), maxRun);
        } else if (pending.size() >= batch.batchSize()
                || nowNanos - waitingSinceNanos >= batch.timeout().toNanos()) {
            take = Math.min(pending.size(), batch.batchSize());
        } else {
            return null;
        }
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(take);
        for (ConsumerRecord<byte[], byte[]> record : pending) {
            if (records.size() == take) {
                break;
            }
            records.add(record);
        }
        return new RecordUnit(this, records, batch != null, false, triggerName, releases);
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
    void dispatched(RecordUnit unit, long nowNanos) {
        inFlight = unit;
        if (!unit.isRetry() && pending.size() > unit.size()) {
            waitingSinceNanos = nowNanos; // they arrived earlier; timing them from now is late, never early
        }
    }

    RecordUnit inFlight() {
        return inFlight;
    }

    /**
     * A unit of this partition from before a rebalance still runs on a worker (abandoned at the revoke
     * deadline): nothing of the partition runs until it lets go, so the same records never run twice at
     * once.
     */
    void blockedBy(RecordUnit abandoned) {
        inFlight = abandoned;
    }

    // ---- outcomes -------------------------------------------------------------------------------------

    /** The first {@code count} records of a fresh run succeeded: they leave the pending list. */
    void settleLeading(RecordUnit unit, int count) {
        for (int i = 0; i < count; i++) {
            pending.pollFirst();
        }
        if (count > 0) {
            settledUpTo = unit.records().get(count - 1).offset() + 1;
        }
    }

    /** The record at the head of the pending list failed its first run: it waits in the failed list. */
    void failHead() {
        ConsumerRecord<byte[], byte[]> record = pending.pollFirst();
        settledUpTo = record.offset() + 1;
        failed.clear();
        failed.add(record);
        failures = 1;
    }

    /**
     * A fresh batch finished: all its records leave the pending list; those that failed wait in the failed
     * list, the others are done.
     */
    void settleBatch(RecordUnit unit, List<ConsumerRecord<byte[], byte[]>> failedRecords) {
        int size = unit.size();
        for (int i = 0; i < size; i++) {
            pending.pollFirst();
        }
        settledUpTo = unit.records().get(size - 1).offset() + 1;
        failed.clear();
        failed.addAll(failedRecords);
        failures = failedRecords.isEmpty() ? 0 : 1;
    }

    /** A retry finished with some records failing again; the others are done. */
    void failedAgain(List<ConsumerRecord<byte[], byte[]>> stillFailing) {
        List<ConsumerRecord<byte[], byte[]>> copy = List.copyOf(stillFailing);
        failed.clear();
        failed.addAll(copy);
        failures++;
    }

    /** Every failed record succeeded (or was dead-lettered). */
    void failuresResolved() {
        failed.clear();
        failures = 0;
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

    List<ConsumerRecord<byte[], byte[]>> failed() {
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

    // ---- commits --------------------------------------------------------------------------------------

    /**
     * @return the offset below which every record is done, or -1 when nothing is known yet. A run in
     *     flight counts with the records it has finished so far, so a long run does not hold commits back.
     */
    long commitOffset() {
        if (!failed.isEmpty()) {
            return failed.get(0).offset();
        }
        RecordUnit running = inFlight;
        if (running != null && running.partition() == this && !running.isRetry() && !running.isBatch()) {
            int handled = running.handledCount();
            if (handled > 0) {
                return Math.max(settledUpTo, running.records().get(handled - 1).offset() + 1);
            }
        }
        return settledUpTo;
    }

    /** @return the offset to commit now, or -1 when the broker already has it (or it is on its way) */
    long offsetToCommit() {
        long offset = commitOffset();
        return offset > Math.max(committed, commitRequested) ? offset : -1;
    }

    /**
     * @return the offset to commit before letting the partition go, or -1 when the broker has it: unlike
     *     {@link #offsetToCommit()} it does not trust an asynchronous commit still on its way
     */
    long offsetToCommitNow() {
        long offset = commitOffset();
        return offset > committed ? offset : -1;
    }

    void commitRequested(long offset) {
        commitRequested = offset;
    }

    void commitSucceeded(long offset) {
        committed = Math.max(committed, offset);
    }

    void commitFailed() {
        commitRequested = committed;
    }

    // ---- flow control and ownership -------------------------------------------------------------------

    boolean paused() {
        return paused;
    }

    void paused(boolean paused) {
        this.paused = paused;
    }

    boolean revoked() {
        return revoked;
    }

    /** The partition is being given up: nothing new runs; a run in flight stops before its next record. */
    void revoke() {
        revoked = true;
        if (inFlight != null) {
            inFlight.requestStop();
        }
    }

    boolean busy() {
        return inFlight != null || (deadLettering != null && !deadLettering.isDone());
    }

    long lag() {
        return lag;
    }

    void lag(long lag) {
        this.lag = lag;
    }

    Gauge lagGauge() {
        return lagGauge;
    }

    void lagGauge(Gauge gauge) {
        this.lagGauge = gauge;
    }
}
