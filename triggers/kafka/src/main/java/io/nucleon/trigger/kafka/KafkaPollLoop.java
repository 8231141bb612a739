package io.nucleon.trigger.kafka;

import io.nucleon.config.BatchConfig;
import io.nucleon.runtime.dispatch.EventCompletion;
import io.nucleon.runtime.dispatch.EventDispatcher;
import io.nucleon.runtime.dispatch.EventOutcome;
import io.nucleon.runtime.dispatch.EventSlot;
import io.nucleon.runtime.stream.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trigger's one consumer thread. Each cycle it takes finished units back (settling offsets,
 * scheduling retries, dead-lettering), hands due units to the workers, pauses partitions whose buffer is
 * full, commits what is done every {@code commitInterval}, and polls. The consumer and every {@link
 * PartitionState} belong to this thread; workers only append finished slots to {@link #completions}.
 *
 * <pre>
 *   poll -> PartitionState.pending -> RecordUnit -> worker -> completions -> settle / retry / DLQ -> commit
 * </pre>
 */
final class KafkaPollLoop implements Runnable, EventCompletion, ConsumerRebalanceListener {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaPollLoop.class);
    /** Records per run: enough to pay a thread hand-off once for many records, small enough to stop quickly. */
    static final int MAX_RUN = 128;

    private static final long BUSY_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long LAG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final KafkaTriggerConfig config;
    private final String functionName;
    private final String triggerName;
    private final EventDispatcher dispatcher;
    private final KafkaTriggerMetrics metrics;
    private final Properties consumerProperties;
    private final DeadLetterPublisher deadLetters;
    private final BatchConfig batch;
    private final RetryPolicy retry;
    private final int maxBuffered;
    private final ConcurrentLinkedQueue<EventSlot> completions = new ConcurrentLinkedQueue<>();
    private final Map<TopicPartition, PartitionState> partitions = new LinkedHashMap<>();
    private final CompletableFuture<Void> subscribed = new CompletableFuture<>();
    private volatile boolean accepting = true;
    private volatile boolean running = true;
    private volatile String problem;
    private KafkaConsumer<byte[], byte[]> consumer;
    private int unitsInFlight;
    private long lastCommitNanos;
    private long lastLagNanos;
    private long lastFailureLogNanos;
    private long failuresNotLogged;

    KafkaPollLoop(
            KafkaTriggerConfig config,
            String functionName,
            String triggerName,
            EventDispatcher dispatcher,
            KafkaTriggerMetrics metrics,
            Properties consumerProperties,
            DeadLetterPublisher deadLetters) {
        this.config = config;
        this.functionName = functionName;
        this.triggerName = triggerName;
        this.dispatcher = dispatcher;
        this.metrics = metrics;
        this.consumerProperties = consumerProperties;
        this.deadLetters = deadLetters;
        this.batch = config.batch().orElse(null);
        this.retry = config.retry();
        this.maxBuffered = 2 * Math.max(config.maxPollRecords(), batch == null ? MAX_RUN : batch.batchSize());
    }

    /** @return completed once the consumer exists and has subscribed, or with the reason it could not */
    CompletableFuture<Void> subscribed() {
        return subscribed;
    }

    /** Hands no new units to workers and pauses every partition; units in flight still settle. */
    void stopAccepting() {
        accepting = false;
    }

    /** Ends the loop: it commits what is done, leaves the group and closes the consumer. */
    void stop() {
        accepting = false;
        running = false;
    }

    /** Bound on the records this trigger holds per partition before it pauses that partition. */
    int maxBufferedPerPartition() {
        return maxBuffered;
    }

    // ---- the loop -------------------------------------------------------------------------------------

    @Override
    public void run() {
        try {
            consumer =
                    new KafkaConsumer<>(consumerProperties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(config.topics(), this);
        } catch (RuntimeException e) {
            subscribed.completeExceptionally(e);
            if (consumer != null) {
                consumer.close(Duration.ZERO);
            }
            return;
        }
        subscribed.complete(null);
        try {
            while (running) {
                cycleSafely();
            }
        } finally {
            shutDown();
        }
    }

    /** @return why the last cycle failed, or {@code null} when it worked */
    String problem() {
        return problem;
    }

    private void cycleSafely() {
        try {
            cycle(System.nanoTime());
            if (problem != null) {
                problem = null;
                LOG.atInfo()
                        .setMessage("kafka poll loop works again")
                        .addKeyValue("trigger", triggerName)
                        .log();
            }
        } catch (KafkaException | IllegalStateException e) {
            if (!running) {
                return;
            }
            problem = "the Kafka consumer fails: " + e;
            LOG.atError()
                    .setMessage("kafka poll loop failed; trying again in 1 s")
                    .addKeyValue("trigger", triggerName)
                    .setCause(e)
                    .log();
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
        }
    }

    private void cycle(long now) {
        drainCompletions();
        checkDeadLetters(now);
        if (accepting) {
            dispatchDue(now);
        }
        flowControl();
        if (now - lastCommitNanos >= config.commitInterval().toNanos()) {
            lastCommitNanos = now;
            commitAsync();
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofNanos(pollTimeoutNanos(now)));
        if (!records.isEmpty()) {
            buffer(records, System.nanoTime());
        }
        if (now - lastLagNanos >= LAG_INTERVAL_NANOS) {
            lastLagNanos = now;
            updateLag();
        }
    }

    private long pollTimeoutNanos(long now) {
        if (unitsInFlight > 0 || !accepting) {
            return BUSY_POLL_NANOS;
        }
        long due = Long.MAX_VALUE;
        for (PartitionState state : partitions.values()) {
            due = Math.min(due, Math.min(state.retryDueNanos(), state.batchDueNanos(batch)));
            if (state.deadLettering() != null) {
                return BUSY_POLL_NANOS;
            }
        }
        return due == Long.MAX_VALUE ? IDLE_POLL_NANOS : Math.max(0, Math.min(IDLE_POLL_NANOS, due - now));
    }

    private void buffer(ConsumerRecords<byte[], byte[]> records, long now) {
        for (TopicPartition topicPartition : records.partitions()) {
            PartitionState state = partitions.get(topicPartition);
            if (state == null) {
                continue; // given up during this poll; the next owner fetches these again
            }
            for (ConsumerRecord<byte[], byte[]> record : records.records(topicPartition)) {
                state.fetched(record, now);
            }
        }
    }

    private void dispatchDue(long now) {
        for (PartitionState state : partitions.values()) {
            if (state.deadLetterDue(now)) {
                sendToDeadLetter(state, now);
                continue;
            }
            RecordUnit unit = state.nextUnit(now, batch, MAX_RUN, triggerName);
            if (unit == null) {
                continue;
            }
            if (dispatcher.dispatchGroup(unit, this) == null) {
                return; // the ring is full: records wait here, and flow control pauses what overflows
            }
            state.dispatched(unit, now);
            unitsInFlight++;
            if (unit.isRetry()) {
                metrics.retried(unit.size());
            }
        }
    }

    /** Pauses a partition whose buffer is full (or all of them while stopping); resumes at half. */
    private void flowControl() {
        long buffered = 0;
        for (PartitionState state : partitions.values()) {
            int count = state.bufferedCount();
            buffered += count;
            if (!state.paused() && (!accepting || count >= maxBuffered)) {
                consumer.pause(List.of(state.topicPartition()));
                state.paused(true);
                metrics.pausedPartitions(1);
            } else if (state.paused() && accepting && count <= maxBuffered / 2) {
                consumer.resume(List.of(state.topicPartition()));
                state.paused(false);
                metrics.pausedPartitions(-1);
            }
        }
        metrics.buffered(buffered);
    }

    private void updateLag() {
        for (PartitionState state : partitions.values()) {
            consumer.currentLag(state.topicPartition()).ifPresent(state::lag);
        }
    }

    // ---- outcomes -------------------------------------------------------------------------------------

    /** Worker or watchdog thread: hands the finished unit to the poll thread. */
    @Override
    public void onComplete(EventSlot slot) {
        completions.offer(slot);
    }

    private void drainCompletions() {
        EventSlot slot;
        while ((slot = completions.poll()) != null) {
            try {
                finish(slot, System.nanoTime());
            } finally {
                slot.release();
            }
        }
    }

    private void finish(EventSlot slot, long now) {
        RecordUnit unit = (RecordUnit) slot.group();
        PartitionState state = unit.partition();
        unitsInFlight--;
        state.unitFinished();
        if (partitions.get(state.topicPartition()) != state || slot.outcome() == EventOutcome.NO_WORKER) {
            return; // given up meanwhile, or never ran (no worker in time): runs again when due
        }
        if (unit.isBatch()) {
            finishBatch(state, unit, slot, now);
        } else {
            finishRun(state, unit, slot, now);
        }
    }

    private void finishRun(PartitionState state, RecordUnit unit, EventSlot slot, long now) {
        int handled = slot.handledCount();
        boolean failed = slot.outcome() != EventOutcome.SUCCESS && handled < unit.size();
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
            recordError(state, slot, unit.records().get(handled));
            scheduleRetry(state, now);
        }
    }

    private void finishBatch(PartitionState state, RecordUnit unit, EventSlot slot, long now) {
        List<ConsumerRecord<byte[], byte[]>> records = unit.records();
        List<ConsumerRecord<byte[], byte[]>> failedRecords = slot.outcome() == EventOutcome.SUCCESS
                ? pick(records, slot.batchResult().failedIndexes())
                : records;
        metrics.handled(records.size() - failedRecords.size());
        if (!unit.isRetry()) {
            state.settleBatch(unit, failedRecords);
        } else if (failedRecords.isEmpty()) {
            state.failuresResolved();
        } else {
            state.failedAgain(failedRecords);
        }
        if (!failedRecords.isEmpty()) {
            metrics.failed(failedRecords.size());
            recordError(state, slot, failedRecords.get(0));
            scheduleRetry(state, now);
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

    private void recordError(PartitionState state, EventSlot slot, ConsumerRecord<byte[], byte[]> record) {
        switch (slot.outcome()) {
            case TIMEOUT -> state.lastError("timeout", "the function ran past spec.eventTimeout");
            case FUNCTION_ERROR ->
                state.lastError(
                        slot.error().getClass().getName(),
                        String.valueOf(slot.error().getMessage()));
            default -> state.lastError("batch-failure", "handleBatch reported the record as failed");
        }
        long now = System.nanoTime();
        if (now - lastFailureLogNanos < LOG_INTERVAL_NANOS) {
            failuresNotLogged++;
            return;
        }
        lastFailureLogNanos = now;
        LOG.atWarn()
                .setMessage("function failed for a record; it will be retried")
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

    private void scheduleRetry(PartitionState state, long now) {
        int failures = state.failures();
        if (!retry.exhausted(failures)) {
            state.retryAt(now + retry.backoffNanos(failures));
            return;
        }
        if (deadLetters != null) {
            state.retryAt(now);
            state.deadLetterDue(true);
            return;
        }
        state.retryAt(now + retry.maxBackoffNanos());
        if (state.warnRetryForeverOnce() || failures % 10 == 0) {
            ConsumerRecord<byte[], byte[]> record = state.failed().get(0);
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

    // ---- dead letters ---------------------------------------------------------------------------------

    private void sendToDeadLetter(PartitionState state, long now) {
        try {
            state.deadLettering(deadLetters.send(
                    List.copyOf(state.failed()), state.lastErrorClass(), state.lastError(), state.failures()));
            state.deadLetterDue(false);
        } catch (KafkaException e) {
            LOG.atError()
                    .setMessage("cannot send to the dead-letter topic; trying again after maxBackoff")
                    .addKeyValue("trigger", triggerName)
                    .addKeyValue("deadLetterTopic", deadLetters.topic())
                    .setCause(e)
                    .log();
            state.retryAt(now + retry.maxBackoffNanos());
        }
    }

    private void checkDeadLetters(long now) {
        for (PartitionState state : partitions.values()) {
            List<Future<RecordMetadata>> sends = state.deadLettering();
            if (sends == null || !allDone(sends)) {
                continue;
            }
            Throwable failure = failureOf(sends);
            if (failure != null) {
                LOG.atError()
                        .setMessage("the dead-letter topic did not take the records; trying again after maxBackoff")
                        .addKeyValue("trigger", triggerName)
                        .addKeyValue("deadLetterTopic", deadLetters.topic())
                        .setCause(failure)
                        .log();
                state.deadLettering(null);
                state.deadLetterDue(true);
                state.retryAt(now + retry.maxBackoffNanos());
                continue;
            }
            ConsumerRecord<byte[], byte[]> first = state.failed().get(0);
            LOG.atWarn()
                    .setMessage("records sent to the dead-letter topic after their last attempt")
                    .addKeyValue("trigger", triggerName)
                    .addKeyValue("deadLetterTopic", deadLetters.topic())
                    .addKeyValue("topic", first.topic())
                    .addKeyValue("partition", first.partition())
                    .addKeyValue("firstOffset", first.offset())
                    .addKeyValue("records", sends.size())
                    .addKeyValue("error", state.lastErrorClass() + ": " + state.lastError())
                    .log();
            metrics.deadLettered(sends.size());
            state.failuresResolved();
        }
    }

    private static boolean allDone(List<Future<RecordMetadata>> sends) {
        for (Future<RecordMetadata> send : sends) {
            if (!send.isDone()) {
                return false;
            }
        }
        return true;
    }

    private static Throwable failureOf(List<Future<RecordMetadata>> sends) {
        for (Future<RecordMetadata> send : sends) {
            try {
                send.get();
            } catch (ExecutionException e) {
                return e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return e;
            }
        }
        return null;
    }

    // ---- commits --------------------------------------------------------------------------------------

    private Map<TopicPartition, OffsetAndMetadata> offsetsToCommit(Collection<PartitionState> states) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        for (PartitionState state : states) {
            long offset = state.offsetToCommit();
            if (offset >= 0) {
                offsets.put(state.topicPartition(), new OffsetAndMetadata(offset));
                state.commitRequested(offset);
            }
        }
        return offsets;
    }

    private void commitAsync() {
        Map<TopicPartition, OffsetAndMetadata> offsets = offsetsToCommit(partitions.values());
        if (offsets.isEmpty()) {
            return;
        }
        long sent = System.nanoTime();
        consumer.commitAsync(offsets, (committed, error) -> committed(offsets, error, sent));
    }

    private void commitSync(Collection<PartitionState> states) {
        Map<TopicPartition, OffsetAndMetadata> offsets = offsetsToCommit(states);
        if (offsets.isEmpty()) {
            return;
        }
        long sent = System.nanoTime();
        try {
            consumer.commitSync(offsets, CLOSE_TIMEOUT);
            committed(offsets, null, sent);
        } catch (KafkaException e) {
            committed(offsets, e, sent);
        }
    }

    private void committed(Map<TopicPartition, OffsetAndMetadata> offsets, Exception error, long sentNanos) {
        metrics.commitLatency(System.nanoTime() - sentNanos);
        for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : offsets.entrySet()) {
            PartitionState state = partitions.get(entry.getKey());
            if (state == null) {
                continue;
            } else if (error == null) {
                state.commitSucceeded(entry.getValue().offset());
            } else {
                state.commitFailed();
            }
        }
        if (error instanceof RebalanceInProgressException) {
            metrics.commitFailed(); // expected while the group rebalances; the revoke commits synchronously
        } else if (error != null) {
            metrics.commitFailed();
            LOG.atWarn()
                    .setMessage("offset commit failed; the next commit carries these offsets again")
                    .addKeyValue("trigger", triggerName)
                    .addKeyValue("partitions", offsets.keySet().toString())
                    .addKeyValue("error", error.toString())
                    .log();
        }
    }

    // ---- rebalance ------------------------------------------------------------------------------------

    /**
     * Poll thread, inside {@code poll} or {@code close}: stop taking records of these partitions, let the
     * units in flight finish (up to {@code workerTerminationTimeout}), run the functions' drain hooks,
     * commit what is done, then let go.
     */
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
        List<PartitionState> leaving = new ArrayList<>();
        for (TopicPartition topicPartition : revoked) {
            PartitionState state = partitions.get(topicPartition);
            if (state != null) {
                state.revoke();
                leaving.add(state);
            }
        }
        if (leaving.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + config.workerTerminationTimeout().toNanos();
        int abandoned = awaitIdle(leaving, deadline);
        runDrainHooks(deadline);
        commitSync(leaving);
        leaving.forEach(this::forget);
        metrics.revoked(leaving.size());
        LOG.atInfo()
                .setMessage("partitions revoked")
                .addKeyValue("trigger", triggerName)
                .addKeyValue("partitions", revoked.toString())
                .addKeyValue("unitsAbandoned", abandoned)
                .log();
    }

    /** @return how many partitions still had work in flight at the deadline (the next owner repeats it) */
    private int awaitIdle(List<PartitionState> leaving, long deadline) {
        while (true) {
            drainCompletions();
            checkDeadLetters(System.nanoTime());
            int busy = 0;
            for (PartitionState state : leaving) {
                busy += state.busy() ? 1 : 0;
            }
            if (busy == 0 || System.nanoTime() - deadline >= 0) {
                return busy;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private void runDrainHooks(long deadline) {
        try {
            dispatcher.drainFunctions().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            LOG.atWarn()
                    .setMessage("function drain hooks did not finish within workerTerminationTimeout")
                    .addKeyValue("trigger", triggerName)
                    .log();
        } catch (ExecutionException e) {
            LOG.atWarn()
                    .setMessage("function drain hook failed")
                    .setCause(e.getCause())
                    .log();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
        for (TopicPartition topicPartition : lost) {
            PartitionState state = partitions.get(topicPartition);
            if (state != null) {
                state.revoke();
                forget(state);
            }
        }
        LOG.atWarn()
                .setMessage("partitions lost without a hand-over (the group moved on without this consumer); "
                        + "records handled since the last commit will be handled again by their new owner")
                .addKeyValue("trigger", triggerName)
                .addKeyValue("partitions", lost.toString())
                .log();
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
        for (TopicPartition topicPartition : assigned) {
            if (partitions.containsKey(topicPartition)) {
                continue; // already ours (cooperative assignments list only what is new, but be safe)
            }
            PartitionState state = new PartitionState(topicPartition);
            state.lagGauge(metrics.lagGauge(state));
            partitions.put(topicPartition, state);
        }
        if (!assigned.isEmpty()) {
            LOG.atInfo()
                    .setMessage("partitions assigned")
                    .addKeyValue("trigger", triggerName)
                    .addKeyValue("partitions", assigned.toString())
                    .log();
        }
    }

    private void forget(PartitionState state) {
        partitions.remove(state.topicPartition(), state);
        metrics.remove(state.lagGauge());
        if (state.paused()) {
            metrics.pausedPartitions(-1);
        }
    }

    // ---- shutdown -------------------------------------------------------------------------------------

    private void shutDown() {
        try {
            drainCompletions();
            commitSync(new ArrayList<>(partitions.values()));
            consumer.close(CLOSE_TIMEOUT); // revokes everything through onPartitionsRevoked
        } catch (RuntimeException e) {
            LOG.atWarn()
                    .setMessage("closing the kafka consumer failed")
                    .addKeyValue("trigger", triggerName)
                    .setCause(e)
                    .log();
        } finally {
            if (deadLetters != null) {
                deadLetters.close();
            }
            LOG.atInfo()
                    .setMessage("kafka trigger stopped")
                    .addKeyValue("function", functionName)
                    .addKeyValue("trigger", triggerName)
                    .log();
        }
    }
}
