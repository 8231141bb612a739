package io.nucleon.trigger.kafka;

import io.nucleon.runtime.dispatch.EventOutcome;
import io.nucleon.runtime.dispatch.EventSlot;
import io.nucleon.runtime.stream.RetryPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a partition's records when a unit of work ends: done records are settled, a failed
 * record waits for a retry after backoff, and one whose attempts are used up goes to the dead-letter
 * topic (or, without one, is retried at {@code maxBackoff} for as long as it fails). Poll thread only.
 */
final class RecordOutcomes {

    private static final Logger LOG = LoggerFactory.getLogger(RecordOutcomes.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String triggerName;
    private final RetryPolicy retry;
    private final KafkaTriggerMetrics metrics;
    private final DeadLetterPublisher deadLetters;
    private long lastFailureLogNanos;
    private long failuresNotLogged;
    private long lastDeadLetterLogNanos;
    private long deadLettersNotLogged;
    private volatile String problem;

    RecordOutcomes(
            String triggerName, RetryPolicy retry, KafkaTriggerMetrics metrics, DeadLetterPublisher deadLetters) {
        this.triggerName = triggerName;
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
    void finished(PartitionState state, RecordUnit unit, EventSlot slot, long now) {
        if (unit.isBatch()) {
            List<ConsumerRecord<byte[], byte[]>> failed = slot.outcome() == EventOutcome.SUCCESS
                    ? pick(unit.records(), slot.batchResult().failedIndexes())
                    : unit.records();
            String why = slot.outcome() == EventOutcome.SUCCESS ? null : describe(slot.error());
            settleBatch(state, unit, failed, why == null ? "batch-failure" : className(slot.error()), why, now);
        } else {
            boolean failed = slot.outcome() != EventOutcome.SUCCESS && slot.handledCount() < unit.size();
            settleRun(state, unit, slot.handledCount(), failed, className(slot.error()), describe(slot.error()), now);
        }
    }

    /**
     * A unit answered as timed out, once its worker has let go of it: only now are its counts final, and
     * only now may its records run again without running twice at once.
     */
    void timedOutAndReleased(PartitionState state, RecordUnit unit, long now) {
        String why = "the function ran past spec.eventTimeout";
        if (unit.isBatch()) {
            settleBatch(state, unit, unit.records(), "timeout", why, now);
        } else {
            int handled = unit.handledCount();
            // The record at 'handled' failed if it was started; if not, the run stopped between records.
            settleRun(state, unit, handled, unit.startedCount() > handled, "timeout", why, now);
        }
    }

    private void settleRun(
            PartitionState state,
            RecordUnit unit,
            int handled,
            boolean failed,
            String errorClass,
            String error,
            long now) {
        metrics.handled(handled);
        if (unit.isRetry()) {
            if (handled == unit.size()) {
                state.failuresResolved();
            } else if (failed) {
                state.failedAgain(state.failed());
            }
        } else {
            state.settleLeading(unit, handled);
            if (failed) {
                state.failHead();
            }
        }
        if (failed) {
            metrics.failed(1);
            state.lastError(errorClass, error);
            scheduleRetry(state, unit.records().get(handled), now);
        }
    }

    private void settleBatch(
            PartitionState state,
            RecordUnit unit,
            List<ConsumerRecord<byte[], byte[]>> failed,
            String errorClass,
            String error,
            long now) {
        metrics.handled(unit.size() - failed.size());
        if (!unit.isRetry()) {
            state.settleBatch(unit, failed);
        } else if (failed.isEmpty()) {
            state.failuresResolved();
        } else {
            state.failedAgain(failed);
        }
        if (!failed.isEmpty()) {
            metrics.failed(failed.size());
            state.lastError(errorClass, error == null ? "handleBatch reported the record as failed" : error);
            scheduleRetry(state, failed.get(0), now);
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> pick(List<ConsumerRecord<byte[], byte[]>> records, int[] indexes) {
        List<ConsumerRecord<byte[], byte[]>> picked = new ArrayList<>(indexes.length);
        int previous = -1;
        for (int index : indexes) {
            if (index >= records.size()) {
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

    private void scheduleRetry(PartitionState state, ConsumerRecord<byte[], byte[]> record, long now) {
        int failures = state.failures();
        boolean exhausted = retry.exhausted(failures);
        logFailure(state, record, exhausted);
        if (!exhausted) {
            state.retryAt(now + retry.backoffNanos(failures));
        } else if (deadLetters != null) {
            state.retryAt(now);
            state.deadLetterDue(true);
        } else {
            state.retryAt(now + retry.maxBackoffNanos());
            if (state.warnRetryForeverOnce() || failures % 10 == 0) {
                LOG.atWarn()
                        .setMessage("record failed maxAttempts times and no deadLetterTopic is set: retrying it every "
                                + "maxBackoff until it succeeds; its partition waits, other partitions go on")
                        .addKeyValue("trigger", triggerName)
                        .addKeyValue("topic", record.topic())
                        .addKeyValue("partition", record.partition())
                        .addKeyValue("offset", record.offset())
                        .addKeyValue("failures", failures)
                        .addKeyValue("error", state.lastErrorClass() + ": " + state.lastError())
                        .log();
            }
        }
    }

    private void logFailure(PartitionState state, ConsumerRecord<byte[], byte[]> record, boolean exhausted) {
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
                .addKeyValue("topic", record.topic())
                .addKeyValue("partition", record.partition())
                .addKeyValue("offset", record.offset())
                .addKeyValue("failures", state.failures())
                .addKeyValue("error", state.lastErrorClass() + ": " + state.lastError())
                .addKeyValue("failuresNotLoggedSinceLastLine", failuresNotLogged)
                .log();
        failuresNotLogged = 0;
    }

    // ---- dead letters ---------------------------------------------------------------------------------

    /** Starts sending the partition's exhausted records to the dead-letter topic, if that is due. */
    void sendDeadLettersIfDue(PartitionState state, long now) {
        if (!state.deadLetterDue(now)) {
            return;
        }
        state.deadLetterDue(false);
        state.deadLettering(deadLetters.send(
                List.copyOf(state.failed()), state.lastErrorClass(), state.lastError(), state.failures()));
    }

    /** Settles the partition's dead-letter sends once the broker has answered them. */
    void checkDeadLetters(PartitionState state, long now) {
        CompletableFuture<Void> sends = state.deadLettering();
        if (sends == null || !sends.isDone()) {
            return;
        }
        Throwable failure = failureOf(sends);
        if (failure != null) {
            problem = "cannot write to the dead-letter topic '" + deadLetters.topic() + "': " + failure;
            LOG.atError()
                    .setMessage("the dead-letter topic did not take the records; trying again after maxBackoff")
                    .addKeyValue("trigger", triggerName)
                    .addKeyValue("deadLetterTopic", deadLetters.topic())
                    .addKeyValue("error", failure.toString())
                    .log();
            state.deadLettering(null);
            state.deadLetterDue(true);
            state.retryAt(now + retry.maxBackoffNanos());
            return;
        }
        problem = null;
        logDeadLettered(state);
        metrics.deadLettered(state.failed().size());
        state.failuresResolved();
    }

    private void logDeadLettered(PartitionState state) {
        long now = System.nanoTime();
        if (now - lastDeadLetterLogNanos < LOG_INTERVAL_NANOS) {
            deadLettersNotLogged += state.failed().size();
            return;
        }
        lastDeadLetterLogNanos = now;
        ConsumerRecord<byte[], byte[]> first = state.failed().get(0);
        LOG.atWarn()
                .setMessage("records sent to the dead-letter topic after their last attempt")
                .addKeyValue("trigger", triggerName)
                .addKeyValue("deadLetterTopic", deadLetters.topic())
                .addKeyValue("topic", first.topic())
                .addKeyValue("partition", first.partition())
                .addKeyValue("firstOffset", first.offset())
                .addKeyValue("records", state.failed().size())
                .addKeyValue("error", state.lastErrorClass() + ": " + state.lastError())
                .addKeyValue("deadLettersNotLoggedSinceLastLine", deadLettersNotLogged)
                .log();
        deadLettersNotLogged = 0;
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
