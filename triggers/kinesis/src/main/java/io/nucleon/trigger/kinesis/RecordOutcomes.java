package io.nucleon.trigger.kinesis;

import io.nucleon.runtime.dispatch.EventOutcome;
import io.nucleon.runtime.dispatch.EventSlot;
import io.nucleon.runtime.stream.RetryPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * What happens to a shard's records when a unit of work ends: done records are settled, a failed record
 * waits for a retry after backoff, and one whose attempts are used up goes to the dead-letter stream (or,
 * without one, is retried at {@code maxBackoff} for as long as it fails). Poll thread only.
 */
final class RecordOutcomes {

    private static final Logger LOG = LoggerFactory.getLogger(RecordOutcomes.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int MAX_ERROR_LENGTH = 1000;

    private final String triggerName;
    private final String streamName;
    private final RetryPolicy retry;
    private final KinesisTriggerMetrics metrics;
    private final DeadLetterPublisher deadLetters;
    private long lastFailureLogNanos;
    private long failuresNotLogged;
    private volatile String problem;

    RecordOutcomes(
            String triggerName,
            String streamName,
            RetryPolicy retry,
            KinesisTriggerMetrics metrics,
            DeadLetterPublisher deadLetters) {
        this.triggerName = triggerName;
        this.streamName = streamName;
        this.retry = retry;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
    }

    /** @return why records cannot be dead-lettered right now, or {@code null} */
    String problem() {
        return problem;
    }

    // ---- units the worker answered itself -------------------------------------------------------------

    /** A unit ended with {@link EventOutcome#SUCCESS} or {@link EventOutcome#FUNCTION_ERROR}. */
    void finished(ShardState shard, ShardUnit unit, EventSlot slot, long now) {
        if (unit.isBatch()) {
            List<Record> failed = slot.outcome() == EventOutcome.SUCCESS
                    ? pick(unit.records(), slot.batchResult().failedIndexes())
                    : unit.records();
            String why = slot.outcome() == EventOutcome.SUCCESS ? null : describe(slot.error());
            settleBatch(shard, unit, failed, why == null ? "batch-failure" : className(slot.error()), why, now);
        } else {
            boolean failed = slot.outcome() != EventOutcome.SUCCESS && slot.handledCount() < unit.size();
            settleRun(shard, unit, slot.handledCount(), failed, className(slot.error()), describe(slot.error()), now);
        }
    }

    /**
     * A unit answered as timed out, once its worker has let go of it: only now are its counts final, and
     * only now may its records run again without running twice at once.
     */
    void timedOutAndReleased(ShardState shard, ShardUnit unit, long now) {
        String why = "the function ran past spec.eventTimeout";
        if (unit.isBatch()) {
            settleBatch(shard, unit, unit.records(), "timeout", why, now);
        } else {
            int handled = unit.handledCount();
            // The record at 'handled' failed if it was started; if not, the run stopped between records.
            settleRun(shard, unit, handled, unit.startedCount() > handled, "timeout", why, now);
        }
    }

    private void settleRun(
            ShardState shard, ShardUnit unit, int handled, boolean failed, String errorClass, String error, long now) {
        metrics.handled(handled);
        if (unit.isRetry()) {
            if (handled == unit.size()) {
                shard.failuresResolved();
            } else if (failed) {
                shard.failedAgain(shard.failed());
            }
        } else {
            shard.settleLeading(unit, handled);
            if (failed) {
                shard.failHead();
            }
        }
        if (failed) {
            metrics.failed(1);
            shard.lastError(errorClass, error);
            scheduleRetry(shard, unit.records().get(handled), now);
        }
    }

    private void settleBatch(
            ShardState shard, ShardUnit unit, List<Record> failed, String errorClass, String error, long now) {
        metrics.handled(unit.size() - failed.size());
        if (!unit.isRetry()) {
            shard.settleBatch(unit, failed);
        } else if (failed.isEmpty()) {
            shard.failuresResolved();
        } else {
            shard.failedAgain(failed);
        }
        if (!failed.isEmpty()) {
            metrics.failed(failed.size());
            shard.lastError(errorClass, error == null ? "handleBatch reported the record as failed" : error);
            scheduleRetry(shard, failed.get(0), now);
        }
    }

    private List<Record> pick(List<Record> records, int[] indexes) {
        List<Record> picked = new ArrayList<>(indexes.length);
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

    private void scheduleRetry(ShardState shard, Record record, long now) {
        int failures = shard.failures();
        boolean exhausted = retry.exhausted(failures);
        logFailure(shard, record, exhausted);
        if (!exhausted) {
            shard.retryAt(now + retry.backoffNanos(failures));
        } else if (deadLetters != null) {
            shard.retryAt(now);
            shard.deadLetterDue(true);
        } else {
            shard.retryAt(now + retry.maxBackoffNanos());
            if (shard.warnRetryForeverOnce() || failures % 10 == 0) {
                LOG.atWarn()
                        .setMessage("record failed maxAttempts times and no deadLetterStream is set: retrying it every "
                                + "maxBackoff until it succeeds; its shard waits, other shards go on")
                        .addKeyValue("trigger", triggerName)
                        .addKeyValue("stream", streamName)
                        .addKeyValue("shard", shard.shardId())
                        .addKeyValue("sequenceNumber", record.sequenceNumber())
                        .addKeyValue("failures", failures)
                        .addKeyValue("error", shard.lastErrorClass() + ": " + shard.lastError())
                        .log();
            }
        }
    }

    private void logFailure(ShardState shard, Record record, boolean exhausted) {
        long now = System.nanoTime();
        if (now - lastFailureLogNanos < LOG_INTERVAL_NANOS) {
            failuresNotLogged++;
            return;
        }
        lastFailureLogNanos = now;
        LOG.atWarn()
                .setMessage(
                        exhausted
                                ? "function failed for a record; its attempts are used up"
                                : "function failed for a record; it will be retried")
                .addKeyValue("trigger", triggerName)
                .addKeyValue("stream", streamName)
                .addKeyValue("shard", shard.shardId())
                .addKeyValue("sequenceNumber", record.sequenceNumber())
                .addKeyValue("failures", shard.failures())
                .addKeyValue("error", shard.lastErrorClass() + ": " + shard.lastError())
                .addKeyValue("failuresNotLoggedSinceLastLine", failuresNotLogged)
                .log();
        failuresNotLogged = 0;
    }

    // ---- dead letters ---------------------------------------------------------------------------------

    /** Starts putting the shard's exhausted records to the dead-letter stream, if that is due. */
    void sendDeadLettersIfDue(ShardState shard, long now) {
        if (deadLetters == null || !shard.deadLetterDue(now)) {
            return;
        }
        shard.deadLetterDue(false);
        shard.deadLettering(deadLetters.send(List.copyOf(shard.failed())));
    }

    /** Settles the shard's dead-letter puts once Kinesis has answered them. */
    void checkDeadLetters(ShardState shard, long now) {
        CompletableFuture<Void> sends = shard.deadLettering();
        if (sends == null || !sends.isDone()) {
            return;
        }
        Throwable failure = failureOf(sends);
        if (failure != null) {
            problem = "cannot put to the dead-letter stream '" + deadLetters.streamName() + "': " + failure;
            LOG.atError()
                    .setMessage("the dead-letter stream did not take the records; trying again after maxBackoff")
                    .addKeyValue("trigger", triggerName)
                    .addKeyValue("deadLetterStream", deadLetters.streamName())
                    .addKeyValue("error", failure.toString())
                    .log();
            shard.deadLettering(null);
            shard.deadLetterDue(true);
            shard.retryAt(now + retry.maxBackoffNanos());
            return;
        }
        problem = null;
        logDeadLettered(shard);
        metrics.deadLettered(shard.failed().size());
        shard.failuresResolved();
    }

    /** Every dead-lettered record is logged: the stream cannot carry why it is there. */
    private void logDeadLettered(ShardState shard) {
        String error = shard.lastErrorClass() + ": " + shard.lastError();
        if (error.length() > MAX_ERROR_LENGTH) {
            error = error.substring(0, MAX_ERROR_LENGTH);
        }
        for (Record record : shard.failed()) {
            LOG.atError()
                    .setMessage("record put to the dead-letter stream after its last attempt")
                    .addKeyValue("trigger", triggerName)
                    .addKeyValue("stream", streamName)
                    .addKeyValue("shard", shard.shardId())
                    .addKeyValue("sequenceNumber", record.sequenceNumber())
                    .addKeyValue("partitionKey", record.partitionKey())
                    .addKeyValue("deadLetterStream", deadLetters.streamName())
                    .addKeyValue("attempts", shard.failures())
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
