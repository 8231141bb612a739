package io.nucleon.runtime.stream;

import io.nucleon.runtime.dispatch.EventOutcome;
import io.nucleon.runtime.dispatch.EventSlot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to an {@link OrderedSource}'s records when a unit of work ends: done records are settled, a
 * failed record waits for a retry after backoff ({@link RetryPolicy}), and one whose attempts are used up
 * goes to the {@link DeadLetterSink} (or, without one, is retried at {@code maxBackoff} for as long as it
 * fails). Poll thread only.
 *
 * @param <R> the record type of the stream
 */
public final class RecordOutcomes<R> {

    private static final Logger LOG = LoggerFactory.getLogger(RecordOutcomes.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int MAX_ERROR_LENGTH = 1000;

    private final String triggerName;
    private final RetryPolicy retry;
    private final StreamRecordMetrics metrics;
    private final DeadLetterSink<R> deadLetters;
    private final String retryForeverWarning;
    private long lastFailureLogNanos;
    private long failuresNotLogged;
    private long lastDeadLetterLogNanos;
    private long deadLettersNotLogged;
    private volatile String problem;

    /**
     * @param deadLetters where exhausted records go, or {@code null} to retry them for as long as they fail
     * @param deadLetterAttribute the trigger attribute that names the dead-letter destination, for the
     *     warning logged when there is none, e.g. {@code deadLetterTopic}
     * @param sourceKind what one source is called in that warning, e.g. {@code partition}
     */
    public RecordOutcomes(
            String triggerName,
            RetryPolicy retry,
            StreamRecordMetrics metrics,
            DeadLetterSink<R> deadLetters,
            String deadLetterAttribute,
            String sourceKind) {
        this.triggerName = triggerName;
        this.retry = retry;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.retryForeverWarning = "record failed maxAttempts times and no " + deadLetterAttribute
                + " is set: retrying it every maxBackoff until it succeeds; its " + sourceKind + " waits, other "
                + sourceKind + "s go on";
    }

    /** @return why records cannot be dead-lettered right now, or {@code null} */
    public String problem() {
        return problem;
    }

    // ---- units the worker answered itself -------------------------------------------------------------

    /** A unit ended with {@link EventOutcome#SUCCESS} or {@link EventOutcome#FUNCTION_ERROR}. */
    public void finished(OrderedSource<R> source, RecordUnit<R> unit, EventSlot slot, long now) {
        if (unit.isBatch()) {
            List<R> failed = slot.outcome() == EventOutcome.SUCCESS
                    ? pick(unit.records(), slot.batchResult().failedIndexes())
                    : unit.records();
            String why = slot.outcome() == EventOutcome.SUCCESS ? null : describe(slot.error());
            settleBatch(source, unit, failed, why == null ? "batch-failure" : className(slot.error()), why, now);
        } else {
            boolean failed = slot.outcome() != EventOutcome.SUCCESS && slot.handledCount() < unit.size();
            settleRun(source, unit, slot.handledCount(), failed, className(slot.error()), describe(slot.error()), now);
        }
    }

    /**
     * A unit answered as timed out, once its worker has let go of it: only now are its counts final, and
     * only now may its records run again without running twice at once.
     */
    public void timedOutAndReleased(OrderedSource<R> source, RecordUnit<R> unit, long now) {
        String why = "the function ran past spec.eventTimeout";
        if (unit.isBatch()) {
            settleBatch(source, unit, unit.records(), "timeout", why, now);
        } else {
            int handled = unit.handledCount();
            // The record at 'handled' failed if it was started; if not, the run stopped between records.
            settleRun(source, unit, handled, unit.startedCount() > handled, "timeout", why, now);
        }
    }

    private void settleRun(
            OrderedSource<R> source,
            RecordUnit<R> unit,
            int handled,
            boolean failed,
            String errorClass,
            String error,
            long now) {
        metrics.handled(handled);
        if (unit.isRetry()) {
            if (handled == unit.size()) {
                source.failuresResolved();
            } else if (failed) {
                source.failedAgain(source.failed());
            }
        } else {
            source.settleLeading(unit, handled);
            if (failed) {
                source.failHead();
            }
        }
        if (failed) {
            metrics.failed(1);
            source.lastError(errorClass, error);
            scheduleRetry(source, unit.records().get(handled), now);
        }
    }

    private void settleBatch(
            OrderedSource<R> source, RecordUnit<R> unit, List<R> failed, String errorClass, String error, long now) {
        metrics.handled(unit.size() - failed.size());
        if (!unit.isRetry()) {
            source.settleBatch(unit, failed);
        } else if (failed.isEmpty()) {
            source.failuresResolved();
        } else {
            source.failedAgain(failed);
        }
        if (!failed.isEmpty()) {
            metrics.failed(failed.size());
            source.lastError(errorClass, error == null ? "handleBatch reported the record as failed" : error);
            scheduleRetry(source, failed.get(0), now);
        }
    }

    private List<R> pick(List<R> records, int[] indexes) {
        List<R> picked = new ArrayList<>(indexes.length);
        int previous = -1;
        for (int index : indexes) {
            if (index < 0 || index >= records.size()) {
                LOG.atWarn()
                        .setMessage("handleBatch reported a failed index outside the batch; ignoring it")
                        .addKeyValue("trigger", triggerName)
                        .addKeyValue("index", index)
                        .addKeyValue("batchSize", records.size())
                        .log();
            } else if (index != previous) {
                picked.add(records.get(index));
            }
            previous = index;
        }
        return picked;
    }

    // ---- retries --------------------------------------------------------------------------------------

    private void scheduleRetry(OrderedSource<R> source, R record, long now) {
        int failures = source.failures();
        boolean exhausted = retry.exhausted(failures);
        logFailure(source, record, exhausted);
        if (!exhausted) {
            source.retryAt(now + retry.backoffNanos(failures));
        } else if (deadLetters != null) {
            source.retryAt(now);
            source.deadLetterDue(true);
        } else {
            source.retryAt(now + retry.maxBackoffNanos());
            if (source.warnRetryForeverOnce() || failures % 10 == 0) {
                source.describe(
                                LOG.atWarn().setMessage(retryForeverWarning).addKeyValue("trigger", triggerName),
                                record)
                        .addKeyValue("failures", failures)
                        .addKeyValue("error", source.lastErrorClass() + ": " + source.lastError())
                        .log();
            }
        }
    }

    private void logFailure(OrderedSource<R> source, R record, boolean exhausted) {
        long now = System.nanoTime();
        if (now - lastFailureLogNanos < LOG_INTERVAL_NANOS) {
            failuresNotLogged++;
            return;
        }
        lastFailureLogNanos = now;
        var line = LOG.atWarn()
                .setMessage(
                        exhausted
                                ? "function failed for a record; its attempts are used up"
                                : "function failed for a record; it will be retried")
                .addKeyValue("trigger", triggerName);
        source.describe(line, record)
                .addKeyValue("failures", source.failures())
                .addKeyValue("error", source.lastErrorClass() + ": " + source.lastError())
                .addKeyValue("failuresNotLoggedSinceLastLine", failuresNotLogged)
                .log();
        failuresNotLogged = 0;
    }

    // ---- dead letters ---------------------------------------------------------------------------------

    /** Starts sending the source's exhausted records to the dead letters, if that is due. */
    public void sendDeadLettersIfDue(OrderedSource<R> source, long now) {
        if (deadLetters == null || !source.deadLetterDue(now)) {
            return;
        }
        source.deadLetterDue(false);
        source.deadLettering(deadLetters.send(
                List.copyOf(source.failed()), source.lastErrorClass(), source.lastError(), source.failures()));
    }

    /** Settles the source's dead-letter sends once the destination has answered them. */
    public void checkDeadLetters(OrderedSource<R> source, long now) {
        CompletableFuture<Void> sends = source.deadLettering();
        if (sends == null || !sends.isDone()) {
            return;
        }
        Throwable failure = failureOf(sends);
        if (failure != null) {
            problem = deadLetters.describeFailure(failure);
            LOG.atError()
                    .setMessage("the dead-letter destination did not take the records; trying again after maxBackoff")
                    .addKeyValue("trigger", triggerName)
                    .addKeyValue("deadLetters", deadLetters.destination())
                    .addKeyValue("error", failure.toString())
                    .log();
            source.deadLettering(null);
            source.deadLetterDue(true);
            source.retryAt(now + retry.maxBackoffNanos());
            return;
        }
        problem = null;
        if (deadLetters.carriesReason()) {
            logDeadLettered(source);
        } else {
            logEachDeadLettered(source);
        }
        metrics.deadLettered(source.failed().size());
        source.failuresResolved();
    }

    /**
     * One line per send (naming the first record), at most one a second: the destination keeps why each
     * record is there.
     */
    private void logDeadLettered(OrderedSource<R> source) {
        long now = System.nanoTime();
        if (now - lastDeadLetterLogNanos < LOG_INTERVAL_NANOS) {
            deadLettersNotLogged += source.failed().size();
            return;
        }
        lastDeadLetterLogNanos = now;
        var line = LOG.atWarn()
                .setMessage("records sent to the dead-letter destination after their last attempt")
                .addKeyValue("trigger", triggerName)
                .addKeyValue("deadLetters", deadLetters.destination());
        source.describe(line, source.failed().get(0))
                .addKeyValue("records", source.failed().size())
                .addKeyValue("error", source.lastErrorClass() + ": " + source.lastError())
                .addKeyValue("deadLettersNotLoggedSinceLastLine", deadLettersNotLogged)
                .log();
        deadLettersNotLogged = 0;
    }

    /** Every dead-lettered record is logged: the destination cannot carry why it is there. */
    private void logEachDeadLettered(OrderedSource<R> source) {
        String error = source.lastErrorClass() + ": " + source.lastError();
        if (error.length() > MAX_ERROR_LENGTH) {
            error = error.substring(0, MAX_ERROR_LENGTH);
        }
        for (R record : source.failed()) {
            var line = LOG.atError()
                    .setMessage("record sent to the dead-letter destination after its last attempt")
                    .addKeyValue("trigger", triggerName);
            source.describe(line, record)
                    .addKeyValue("deadLetters", deadLetters.destination())
                    .addKeyValue("attempts", source.failures())
                    .addKeyValue("error", error)
                    .log();
        }
    }

    private static Throwable failureOf(CompletableFuture<Void> sends) {
        try {
            sends.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
    }

    private static String className(Throwable error) {
        return error == null ? "unknown" : error.getClass().getName();
    }

    private static String describe(Throwable error) {
        return error == null ? "" : String.valueOf(error.getMessage());
    }
}
