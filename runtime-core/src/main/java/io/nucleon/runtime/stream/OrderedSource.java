package io.nucleon.runtime.stream;

import io.nucleon.config.BatchConfig;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One ordered source of records a stream trigger reads (a Kafka partition, a Kinesis shard): what is
 * fetched, what runs, what failed. Owned by the trigger's poll thread; the trigger extends it with what
 * only its stream has (offsets and pauses, sequence numbers and checkpoints).
 *
 * <p>A source has at most one {@link RecordUnit} in flight, so its records run in stream order. Records
 * move from {@code pending} (fetched) through a unit to done; a record whose run failed moves to {@link
 * #failed()} and blocks the source until a retry succeeds or it is dead-lettered ({@link RecordOutcomes}
 * decides which). The trigger's position ("everything before it is done") follows from:
 *
 * <pre>
 *   failed.isEmpty() ? the later of lastSettled() and lastHandledInFlight()
 *                    : before failed().get(0), or after doneBeforeFailure()
 * </pre>
 *
 * @param <R> the record type of the stream
 */
public abstract class OrderedSource<R> {

    private final Consumer<RecordUnit<R>> releases;
    private final ArrayDeque<R> pending = new ArrayDeque<>();
    private final List<R> failed = new ArrayList<>();
    /** When the oldest record not yet in a unit arrived (or a later time: never early). */
    private long waitingSinceNanos;

    private RecordUnit<R> inFlight;
    private int failures;
    private long retryAtNanos;
    private String lastError = "";
    private String lastErrorClass = "";
    private boolean deadLetterDue;
    private CompletableFuture<Void> deadLettering;
    private boolean warnedRetryForever;
    private R lastSettled;
    private R doneBeforeFailure;

    /**
     * @param releases where units report their release once asked to: the poll thread's queue of units
     *     whose timed-out or abandoned worker let go
     */
    protected OrderedSource(Consumer<RecordUnit<R>> releases) {
        this.releases = releases;
    }

    /** @return a new view for a unit to point at this source's records */
    protected abstract RecordEvent<R> newEvent();

    /**
     * Adds where a record is to a log line: topic, partition and offset; or stream, shard and sequence.
     *
     * @return the line
     */
    public abstract LoggingEventBuilder describe(LoggingEventBuilder line, R record);

    /** @return whether units may start at all; false e.g. while the source is being given up */
    protected boolean takesUnits() {
        return true;
    }

    /** @return whether a batch goes without waiting to fill, e.g. because no more records will come */
    protected boolean sendsPartialBatches() {
        return false;
    }

    // ---- fetched records ------------------------------------------------------------------------------

    /** A record arrived, after every record fetched before. */
    public void fetched(R record, long nowNanos) {
        if (pending.size() == inFlightFreshCount()) {
            waitingSinceNanos = nowNanos; // the first record that no unit holds
        }
        pending.addLast(record);
    }

    /** @return how many pending records the unit in flight holds (a retry holds failed ones, not pending) */
    private int inFlightFreshCount() {
        return inFlight == null || inFlight.isRetry() ? 0 : inFlight.size();
    }

    /** @return the records fetched and not yet done */
    public int bufferedCount() {
        return pending.size() + failed.size();
    }

    /** @return whether records wait that no unit holds (fetched ones, or failed ones) */
    public boolean holdsWaitingRecords() {
        return !failed.isEmpty() || pending.size() > inFlightFreshCount();
    }

    /** @return whether the source holds nothing: no record, no unit, no dead letter due or on its way */
    public boolean holdsNothing() {
        return pending.isEmpty() && failed.isEmpty() && inFlight == null && deadLettering == null && !deadLetterDue;
    }

    // ---- what to run next -----------------------------------------------------------------------------

    /**
     * The next unit to run, if the source is free and something is due.
     *
     * @param nowNanos the loop's clock
     * @param batch the batch settings, or {@code null} for runs
     * @param maxRun the most records of one run
     * @return the unit, not yet dispatched; or {@code null}
     */
    public RecordUnit<R> nextUnit(long nowNanos, BatchConfig batch, int maxRun) {
        if (inFlight != null || deadLettering != null || deadLetterDue || !takesUnits()) {
            return null;
        }
        if (!failed.isEmpty()) {
            return nowNanos - retryAtNanos >= 0
                    ? new RecordUnit<>(this, List.copyOf(failed), batch != null, true, releases)
                    : null;
        }
        if (pending.isEmpty()) {
            return null;
        }
        int take;
        if (batch == null) {
            take = Math.min(pending.size(), maxRun);
        } else if (pending.size() >= batch.batchSize()
                || sendsPartialBatches()
                || nowNanos - waitingSinceNanos >= batch.timeout().toNanos()) {
            take = Math.min(pending.size(), batch.batchSize());
        } else {
            return null;
        }
        List<R> records = new ArrayList<>(take);
        for (R record : pending) {
            if (records.size() == take) {
                break;
            }
            records.add(record);
        }
        return new RecordUnit<>(this, records, batch != null, false, releases);
    }

    /** @return when a batch that is waiting to fill is due, or {@link Long#MAX_VALUE} */
    public long batchDueNanos(BatchConfig batch) {
        return batch == null || pending.isEmpty() || inFlight != null || !failed.isEmpty()
                ? Long.MAX_VALUE
                : waitingSinceNanos + batch.timeout().toNanos();
    }

    /** @return when a scheduled retry is due, or {@link Long#MAX_VALUE} */
    public long retryDueNanos() {
        return failed.isEmpty() || inFlight != null ? Long.MAX_VALUE : retryAtNanos;
    }

    /** @param nowNanos the loop's clock: records left waiting behind the unit are timed from now */
    public void dispatched(RecordUnit<R> unit, long nowNanos) {
        inFlight = unit;
        if (!unit.isRetry() && pending.size() > unit.size()) {
            waitingSinceNanos = nowNanos; // they arrived earlier; timing them from now is late, never early
        }
    }

    /** @return the unit in flight, or {@code null} */
    public RecordUnit<R> inFlight() {
        return inFlight;
    }

    /**
     * A unit of this source from an earlier owner still runs on a worker (abandoned at a deadline): nothing
     * of the source runs until it lets go, so the same records never run twice at once.
     */
    public void blockedBy(RecordUnit<R> abandoned) {
        inFlight = abandoned;
    }

    /** The unit in flight ended (or its worker let go): the source is free. */
    public void unitFinished() {
        inFlight = null;
    }

    /** @return whether a unit runs or a dead-letter send is on its way */
    public boolean busy() {
        return inFlight != null || (deadLettering != null && !deadLettering.isDone());
    }

    // ---- outcomes -------------------------------------------------------------------------------------

    /** The first {@code count} records of a fresh run succeeded: they leave the pending list. */
    public void settleLeading(RecordUnit<R> unit, int count) {
        for (int i = 0; i < count; i++) {
            pending.pollFirst();
        }
        if (count > 0) {
            lastSettled = unit.records().get(count - 1);
        }
    }

    /** The record at the head of the pending list failed its first run: it waits in the failed list. */
    public void failHead() {
        R record = pending.pollFirst();
        doneBeforeFailure = lastSettled;
        lastSettled = record;
        failed.clear();
        failed.add(record);
        failures = 1;
    }

    /**
     * A fresh batch finished: all its records leave the pending list; those that failed wait in the failed
     * list, the others are done (but the position stays before the first failure until it is resolved).
     */
    public void settleBatch(RecordUnit<R> unit, List<R> failedRecords) {
        List<R> records = unit.records();
        for (int i = 0; i < records.size(); i++) {
            pending.pollFirst();
        }
        if (!failedRecords.isEmpty()) {
            int first = records.indexOf(failedRecords.get(0));
            doneBeforeFailure = first > 0 ? records.get(first - 1) : lastSettled;
        }
        lastSettled = records.get(records.size() - 1);
        failed.clear();
        failed.addAll(failedRecords);
        failures = failedRecords.isEmpty() ? 0 : 1;
    }

    /** A retry finished with some records failing again; the others are done. */
    public void failedAgain(List<R> stillFailing) {
        List<R> copy = List.copyOf(stillFailing);
        failed.clear();
        failed.addAll(copy);
        failures++;
    }

    /** Every failed record succeeded (or was dead-lettered). */
    public void failuresResolved() {
        failed.clear();
        failures = 0;
        doneBeforeFailure = null;
        deadLetterDue = false;
        deadLettering = null;
        warnedRetryForever = false;
    }

    /** @return the records that failed and wait for a retry or a dead letter, in stream order */
    public List<R> failed() {
        return failed;
    }

    /** @return how many times the failed records ran and failed */
    public int failures() {
        return failures;
    }

    /** Notes why the last run failed. */
    public void lastError(String errorClass, String message) {
        this.lastErrorClass = errorClass;
        this.lastError = message;
    }

    /** @return the last failed run's error message, or "" */
    public String lastError() {
        return lastError;
    }

    /** @return the last failed run's error class, or {@code "timeout"} / {@code "batch-failure"}, or "" */
    public String lastErrorClass() {
        return lastErrorClass;
    }

    /** The failed records run again (or go to the dead letters) at {@code nanos}. */
    public void retryAt(long nanos) {
        retryAtNanos = nanos;
    }

    /** @param due whether the failed records go to the dead letters once the retry time comes */
    public void deadLetterDue(boolean due) {
        deadLetterDue = due;
    }

    /** @return whether the failed records should go to the dead letters now */
    public boolean deadLetterDue(long nowNanos) {
        return deadLetterDue && deadLettering == null && inFlight == null && nowNanos - retryAtNanos >= 0;
    }

    /** @param sends the dead-letter send on its way, or {@code null} once settled */
    public void deadLettering(CompletableFuture<Void> sends) {
        deadLettering = sends;
    }

    /** @return the dead-letter send on its way (or done and not yet settled), or {@code null} */
    public CompletableFuture<Void> deadLettering() {
        return deadLettering;
    }

    /** @return whether the retry-forever warning still has to be logged (once per stuck record) */
    public boolean warnRetryForeverOnce() {
        boolean first = !warnedRetryForever;
        warnedRetryForever = true;
        return first;
    }

    // ---- position -------------------------------------------------------------------------------------

    /**
     * @return the last record that left the pending list (done, or failed and moved to the failed list),
     *     or {@code null} when none did since the source was created
     */
    public R lastSettled() {
        return lastSettled;
    }

    /**
     * @return while records fail: the last record done before the first failed one, or {@code null} when
     *     that is from before this source was created (the trigger's starting position)
     */
    public R doneBeforeFailure() {
        return doneBeforeFailure;
    }

    /**
     * @return the last record the fresh run in flight has finished, or {@code null}: a long run counts with
     *     what it has done so far, so it does not hold the position back
     */
    public R lastHandledInFlight() {
        RecordUnit<R> running = inFlight;
        if (running != null && running.source() == this && !running.isRetry() && !running.isBatch()) {
            int handled = running.handledCount();
            if (handled > 0) {
                return running.records().get(handled - 1);
            }
        }
        return null;
    }
}
