package io.nucleon.trigger.kafka;

import io.nucleon.config.BatchConfig;
import io.nucleon.runtime.dispatch.EventCompletion;
import io.nucleon.runtime.dispatch.EventDispatcher;
import io.nucleon.runtime.dispatch.EventOutcome;
import io.nucleon.runtime.dispatch.EventSlot;
import io.nucleon.runtime.stream.RecordOutcomes;
import io.nucleon.runtime.stream.RecordUnit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trigger's one consumer thread. Each cycle it takes finished units back ({@link RecordOutcomes}:
 * settle, retry, dead-letter), hands due units to the workers, pauses partitions whose buffer is full,
 * commits what is done every {@code commitInterval} ({@link OffsetCommits}), and polls. The consumer and
 * every {@link PartitionState} belong to this thread; workers only append finished slots to {@link
 * #completions} and released units to {@link #releases}.
 *
 * <pre>
 *   poll -> PartitionState.pending -> RecordUnit -> worker -> completions -> settle / retry / DLQ -> commit
 * </pre>
 *
 * <p>A partition never has two units running at once, not even after a timeout: a unit answered as
 * timed out keeps its partition blocked until its (replaced) worker lets go of it, and a unit still
 * running when its partition was given up blocks that partition if it comes back to this consumer.
 */
final class KafkaPollLoop implements Runnable, EventCompletion, ConsumerRebalanceListener {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaPollLoop.class);
    /**
     * Records per run: the hand-off between threads is paid once per run, and one partition runs one unit
     * at a time, so this sets a partition's speed for small functions (128 gave 0.6-0.7x a plain
     * KafkaConsumer loop on one partition, 512 about 1x: benchmarks/README.md). A run still stops
     * between records on a revoke, and commits count its finished records while it runs.
     */
    static final int MAX_RUN = 512;

    private static final long BUSY_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long LAG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);

    private final KafkaTriggerConfig config;
    private final String functionName;
    private final String triggerName;
    private final EventDispatcher dispatcher;
    private final KafkaTriggerMetrics metrics;
    private final Properties consumerProperties;
    private final DeadLetterPublisher deadLetters;
    private final RecordOutcomes<ConsumerRecord<byte[], byte[]>> outcomes;
    private final OffsetCommits commits;
    private final BatchConfig batch;
    private final int maxBuffered;
    private final ConcurrentLinkedQueue<EventSlot> completions = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<RecordUnit<ConsumerRecord<byte[], byte[]>>> releases =
            new ConcurrentLinkedQueue<>();
    private final Map<TopicPartition, PartitionState> partitions = new LinkedHashMap<>();
    private final Map<TopicPartition, RecordUnit<ConsumerRecord<byte[], byte[]>>> abandoned = new HashMap<>();
    private final CompletableFuture<Void> subscribed = new CompletableFuture<>();
    private volatile boolean accepting = true;
    private volatile boolean running = true;
    private volatile String problem;
    /** Set while the poll thread parks for a finished unit; workers unpark it only then. */
    private volatile boolean waitingForUnits;

    private Thread pollThread;
    private KafkaConsumer<byte[], byte[]> consumer;
    private PartitionState[] order = new PartitionState[0];
    private int nextFirst;
    private int unitsInFlight;
    private long lastCommitNanos;
    private long lastLagNanos;
    private boolean loggedFailureStack;

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
        this.outcomes = new RecordOutcomes<>(
                triggerName, config.retry(), metrics.records(), deadLetters, "deadLetterTopic", "partition");
        this.commits = new OffsetCommits(triggerName, metrics);
        this.batch = config.batch().orElse(null);
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

    /** @return what keeps the trigger from working right now, or {@code null} */
    String problem() {
        String consumerProblem = problem;
        return consumerProblem != null ? consumerProblem : outcomes.problem();
    }

    // ---- the loop -------------------------------------------------------------------------------------

    @Override
    public void run() {
        pollThread = Thread.currentThread();
        try {
            consumer =
                    new KafkaConsumer<>(consumerProperties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(config.topics(), this);
        } catch (RuntimeException e) {
            subscribed.completeExceptionally(e);
            if (consumer != null) {
                consumer.close(Duration.ZERO);
            }
            closeDeadLetters();
            return;
        }
        subscribed.complete(null);
        try {
            while (running) {
                cycleSafely();
            }
        } catch (Throwable t) {
            problem = "the Kafka poll loop stopped: " + t;
            LOG.atError()
                    .setMessage("kafka poll loop stopped")
                    .addKeyValue("trigger", triggerName)
                    .setCause(t)
                    .log();
            throw t;
        } finally {
            shutDown();
        }
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
        } catch (RuntimeException e) {
            if (!running) {
                return;
            }
            problem = "the Kafka consumer fails: " + e;
            var line = LOG.atError()
                    .setMessage("kafka poll loop failed; trying again in 1 s")
                    .addKeyValue("trigger", triggerName)
                    .addKeyValue("error", e.toString());
            if (!loggedFailureStack) {
                line = line.setCause(e); // the stack once; then the message, once a second
                loggedFailureStack = true;
            }
            line.log();
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
        }
    }

    private void cycle(long now) {
        drainCompletions(now);
        drainReleases(now);
        for (PartitionState state : order) {
            outcomes.checkDeadLetters(state, now);
        }
        if (accepting) {
            dispatchDue(now);
        }
        flowControl();
        if (now - lastCommitNanos >= config.commitInterval().toNanos()) {
            lastCommitNanos = now;
            commits.commitAsync(consumer, partitions.values());
        }
        ConsumerRecords<byte[], byte[]> records;
        if (unitsInFlight > 0 && accepting) {
            // Finished units, not the broker, decide when this partition's next unit can go: take what
            // was fetched without waiting, then sleep until a worker hands a unit back.
            records = consumer.poll(Duration.ZERO);
            if (records.isEmpty()) {
                awaitFinishedUnit(BUSY_POLL_NANOS);
            }
        } else {
            records = consumer.poll(Duration.ofNanos(pollTimeoutNanos(now)));
        }
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
        for (PartitionState state : order) {
            if (state.busy()) {
                return BUSY_POLL_NANOS; // a timed-out unit or a dead-letter send: answers come without a poll
            }
            due = Math.min(due, Math.min(state.retryDueNanos(), state.batchDueNanos(batch)));
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

    /** Hands each free partition's due unit to the pool, starting with a different partition each cycle. */
    private void dispatchDue(long now) {
        int count = order.length;
        int first = count == 0 ? 0 : nextFirst++ % count;
        for (int i = 0; i < count; i++) {
            PartitionState state = order[(first + i) % count];
            outcomes.sendDeadLettersIfDue(state, now);
            RecordUnit<ConsumerRecord<byte[], byte[]>> unit = state.nextUnit(now, batch, MAX_RUN);
            if (unit == null) {
                continue;
            }
            if (dispatcher.dispatchGroup(unit, this) == null) {
                return; // the ring is full: records wait here, and flow control pauses what overflows
            }
            state.dispatched(unit, now);
            unitsInFlight++;
            if (unit.isRetry()) {
                metrics.records().retried(unit.size());
            }
        }
    }

    /**
     * Pauses a partition whose buffer is full, or every partition while the trigger's total is over
     * {@code maxBufferedRecords} (or while stopping); resumes each at half.
     */
    private void flowControl() {
        long total = 0;
        for (PartitionState state : order) {
            total += state.bufferedCount();
        }
        metrics.buffered(total);
        boolean overTotal = total >= config.maxBufferedRecords();
        boolean underTotal = total <= config.maxBufferedRecords() / 2;
        for (PartitionState state : order) {
            int count = state.bufferedCount();
            boolean full = count >= maxBuffered || overTotal; // empty ones too, or each would add a poll
            if (!state.paused() && (!accepting || full)) {
                consumer.pause(List.of(state.topicPartition()));
                state.paused(true);
                metrics.pausedPartitions(1);
            } else if (state.paused() && accepting && count <= maxBuffered / 2 && underTotal) {
                consumer.resume(List.of(state.topicPartition()));
                state.paused(false);
                metrics.pausedPartitions(-1);
            }
        }
    }

    private void updateLag() {
        for (PartitionState state : order) {
            consumer.currentLag(state.topicPartition()).ifPresent(state::lag);
        }
    }

    // ---- outcomes -------------------------------------------------------------------------------------

    /** Worker or watchdog thread: hands the finished unit to the poll thread. */
    @Override
    public void onComplete(EventSlot slot) {
        completions.offer(slot);
        wakePollThread();
    }

    /** Whichever thread lets go of a timed-out or abandoned unit last. */
    private void released(RecordUnit<ConsumerRecord<byte[], byte[]>> unit) {
        releases.offer(unit);
        wakePollThread();
    }

    private void wakePollThread() {
        if (waitingForUnits) {
            LockSupport.unpark(pollThread);
        }
    }

    /** Parks until a unit comes back or {@code nanos} pass; the flag goes up before the last look. */
    private void awaitFinishedUnit(long nanos) {
        waitingForUnits = true;
        if (completions.isEmpty() && releases.isEmpty()) {
            LockSupport.parkNanos(this, nanos);
        }
        waitingForUnits = false;
    }

    private void drainCompletions(long now) {
        EventSlot slot;
        while ((slot = completions.poll()) != null) {
            try {
                finish(slot, now);
            } finally {
                slot.release();
            }
        }
    }

    private void finish(EventSlot slot, long now) {
        RecordUnit<ConsumerRecord<byte[], byte[]>> unit = RecordUnit.of(slot.group());
        PartitionState state = PartitionState.of(unit);
        unitsInFlight--;
        boolean current = partitions.get(state.topicPartition()) == state;
        if (slot.outcome() == EventOutcome.TIMEOUT) {
            unit.markTimedOut(); // the partition stays blocked until the stuck worker lets go
            return;
        }
        if (!current) {
            return; // given up meanwhile; its abandoned entry is cleared when the unit is released
        }
        state.unitFinished();
        if (slot.outcome() != EventOutcome.NO_WORKER) { // a unit no worker took in time never ran: it runs again
            outcomes.finished(state, unit, slot, now);
        }
    }

    /** Units whose worker let go after a timeout, or after their partition was given up. */
    private void drainReleases(long now) {
        RecordUnit<ConsumerRecord<byte[], byte[]>> unit;
        while ((unit = releases.poll()) != null) {
            PartitionState owner = PartitionState.of(unit);
            abandoned.remove(owner.topicPartition(), unit);
            PartitionState current = partitions.get(owner.topicPartition());
            if (current == null || current.inFlight() != unit) {
                continue;
            }
            current.unitFinished();
            if (current == owner && unit.timedOut()) {
                outcomes.timedOutAndReleased(current, unit, now);
            }
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
        int stillBusy = 0;
        try {
            long deadline =
                    System.nanoTime() + config.workerTerminationTimeout().toNanos();
            stillBusy = awaitIdle(leaving, deadline);
            runDrainHooks(deadline);
            commits.commitSync(consumer, leaving, COMMIT_TIMEOUT);
        } finally {
            leaving.forEach(this::forget);
            metrics.revoked(leaving.size());
        }
        LOG.atInfo()
                .setMessage("partitions revoked")
                .addKeyValue("trigger", triggerName)
                .addKeyValue("partitions", revoked.toString())
                .addKeyValue("stillRunningAtDeadline", stillBusy)
                .log();
    }

    /** @return how many partitions still had work in flight at the deadline (the next owner repeats it) */
    private int awaitIdle(List<PartitionState> leaving, long deadline) {
        while (true) {
            long now = System.nanoTime();
            drainCompletions(now);
            drainReleases(now);
            int busy = 0;
            for (PartitionState state : leaving) {
                outcomes.checkDeadLetters(state, now);
                busy += state.busy() ? 1 : 0;
            }
            if (busy == 0 || now - deadline >= 0) {
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
            PartitionState state = new PartitionState(topicPartition, triggerName, this::released);
            RecordUnit<ConsumerRecord<byte[], byte[]>> stillRunning = abandoned.get(topicPartition);
            if (stillRunning != null) {
                state.blockedBy(stillRunning); // its records must not run twice at once
            }
            state.lagGauge(metrics.lagGauge(state));
            partitions.put(topicPartition, state);
        }
        order = partitions.values().toArray(PartitionState[]::new);
        if (!assigned.isEmpty()) {
            LOG.atInfo()
                    .setMessage("partitions assigned")
                    .addKeyValue("trigger", triggerName)
                    .addKeyValue("partitions", assigned.toString())
                    .log();
        }
    }

    private void forget(PartitionState state) {
        RecordUnit<ConsumerRecord<byte[], byte[]>> running = state.inFlight();
        if (running != null) {
            running.reportRelease(); // whoever owns the partition next waits for it
            abandoned.put(state.topicPartition(), running);
        }
        partitions.remove(state.topicPartition(), state);
        order = partitions.values().toArray(PartitionState[]::new);
        metrics.remove(state.lagGauge());
        if (state.paused()) {
            metrics.pausedPartitions(-1);
        }
    }

    // ---- shutdown -------------------------------------------------------------------------------------

    private void shutDown() {
        try {
            long now = System.nanoTime();
            drainCompletions(now);
            drainReleases(now);
            commits.commitSync(consumer, partitions.values(), COMMIT_TIMEOUT);
            consumer.close(COMMIT_TIMEOUT); // revokes everything through onPartitionsRevoked
        } catch (RuntimeException e) {
            LOG.atWarn()
                    .setMessage("closing the kafka consumer failed")
                    .addKeyValue("trigger", triggerName)
                    .setCause(e)
                    .log();
        } finally {
            closeDeadLetters();
            LOG.atInfo()
                    .setMessage("kafka trigger stopped")
                    .addKeyValue("function", functionName)
                    .addKeyValue("trigger", triggerName)
                    .log();
        }
    }

    private void closeDeadLetters() {
        if (deadLetters != null) {
            deadLetters.close();
        }
    }

    /** @return the longest {@link #shutDown} takes after the revoke's own wait: two commits and the close */
    static Duration shutdownAllowance() {
        return COMMIT_TIMEOUT.multipliedBy(3);
    }
}
