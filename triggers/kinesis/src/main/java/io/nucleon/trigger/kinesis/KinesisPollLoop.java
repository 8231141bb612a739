package io.nucleon.trigger.kinesis;

import io.nucleon.config.BatchConfig;
import io.nucleon.runtime.dispatch.EventCompletion;
import io.nucleon.runtime.dispatch.EventDispatcher;
import io.nucleon.runtime.dispatch.EventOutcome;
import io.nucleon.runtime.dispatch.EventSlot;
import io.nucleon.runtime.stream.RecordOutcomes;
import io.nucleon.runtime.stream.RecordUnit;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The trigger's one thread, an agent whose {@link #doWork} runs in a loop: it takes finished units back
 * ({@link RecordOutcomes}: settle, retry, dead-letter), checkpoints shards that have ended and lets their
 * children start, hands due units to the workers, saves checkpoints every {@code checkpoint.interval}
 * ({@link Checkpointer}), lists the stream's shards every {@code shardDiscoveryInterval} ({@link
 * ShardPlanner}) and calls GetRecords for shards that want records ({@link ShardReader}). The Kinesis
 * client, the checkpoint store and every {@link ShardState} belong to this thread; workers only append
 * finished slots to {@link #completions}.
 *
 * <pre>
 *   ListShards -> ShardState -> GetShardIterator / GetRecords -> pending -> RecordUnit -> worker
 *       -> completions -> settle / retry / dead-letter -> checkpoint store
 * </pre>
 *
 * <p>No failure of Kinesis or of the checkpoint store ends the loop: it is the trigger's {@link
 * #problem()} until a call works again, and records already fetched keep running meanwhile.
 */
final class KinesisPollLoop implements Runnable, EventCompletion {

    private static final Logger LOG = LoggerFactory.getLogger(KinesisPollLoop.class);

    /** Records per run, as in the Kafka trigger: the hand-off between threads is paid once per run. */
    static final int MAX_RUN = 512;

    /** A shard that ended asks for a listing (its children); not more often than this. */
    private static final long MIN_DISCOVERY_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private static final long MAX_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long MIN_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SHUTDOWN_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final KinesisTriggerConfig config;
    private final String functionName;
    private final String triggerName;
    private final ShardReader reader;
    private final Checkpointer checkpoints;
    private final EventDispatcher dispatcher;
    private final KinesisTriggerMetrics metrics;
    private final DeadLetterPublisher deadLetters;
    private final AutoCloseable client;
    private final RecordOutcomes<Record> outcomes;
    private final ShardPlanner planner;
    private final BatchConfig batch;
    private final ConcurrentLinkedQueue<EventSlot> completions = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<RecordUnit<Record>> releases = new ConcurrentLinkedQueue<>();
    private final Map<String, ShardState> shards = new LinkedHashMap<>();
    private volatile boolean accepting = true;
    private volatile boolean running = true;
    /** Set while the loop thread parks; workers unpark it only then. */
    private volatile boolean parked;

    private Thread thread;
    private ShardState[] order = new ShardState[0];
    private boolean listed;
    private boolean discoveryRequested;
    private long nextDiscoveryNanos;
    private long lastDiscoveryNanos;
    private int nextFirst;

    /**
     * @param client closed last, when the loop ends
     * @param deadLetters the dead-letter publisher, or {@code null}
     */
    KinesisPollLoop(
            KinesisTriggerConfig config,
            String functionName,
            String triggerName,
            ShardReader reader,
            Checkpointer checkpoints,
            EventDispatcher dispatcher,
            KinesisTriggerMetrics metrics,
            DeadLetterPublisher deadLetters,
            AutoCloseable client) {
        this.config = config;
        this.functionName = functionName;
        this.triggerName = triggerName;
        this.reader = reader;
        this.checkpoints = checkpoints;
        this.dispatcher = dispatcher;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.client = client;
        this.outcomes = new RecordOutcomes<>(
                triggerName, config.retry(), metrics.records(), deadLetters, "deadLetterStream", "shard");
        this.planner = new ShardPlanner(
                new HashSet<>(config.shards()), config.iteratorType(), config.startingSequenceNumber());
        this.batch = config.batch().orElse(null);
    }

    /** Hands no new units to workers and reads no more records; units in flight still settle. */
    void stopAccepting() {
        accepting = false;
    }

    /** Ends the loop: it waits for units in flight (up to workerTerminationTimeout) and checkpoints. */
    void stop() {
        accepting = false;
        running = false;
        wake();
    }

    /** @return what keeps the trigger from working right now, or {@code null} */
    String problem() {
        String api = reader.problem();
        if (api != null) {
            return api;
        }
        String store = checkpoints.problem();
        return store != null ? store : outcomes.problem();
    }

    // ---- the loop -------------------------------------------------------------------------------------

    @Override
    public void run() {
        thread = Thread.currentThread();
        try {
            while (running) {
                long now = System.nanoTime();
                if (doWork(now) == 0) {
                    idle(now);
                }
            }
        } catch (Throwable t) {
            reader.problem("the Kinesis poll loop stopped: " + t);
            LOG.atError()
                    .setMessage("kinesis poll loop stopped")
                    .addKeyValue("trigger", triggerName)
                    .setCause(t)
                    .log();
            throw t;
        } finally {
            shutDown();
        }
    }

    /**
     * One duty cycle.
     *
     * @param now the loop's clock, read once per cycle
     * @return how much work was done; 0 lets the loop idle until something is due
     */
    int doWork(long now) {
        int work = drainCompletions(now) + drainReleases(now);
        for (ShardState shard : order) {
            outcomes.checkDeadLetters(shard, now);
        }
        if (!checkpoints.load(now)) {
            return work;
        }
        work += endShards(now);
        if (accepting) {
            work += dispatchDue(now);
        }
        checkpoints.saveIfDue(order, now);
        if (accepting && now - reader.retryAtNanos() >= 0) {
            work += discoverIfDue(now);
            work += fetch(now);
        }
        updateGauges();
        return work;
    }

    /**
     * Parks until the next thing is due, or a worker hands a unit back; the flag goes up before the last
     * look. Something due already could not be done (the ring is full): the wait is then 1 ms, not 0.
     */
    private void idle(long now) {
        long due = checkpoints.dueNanos();
        if (accepting) {
            long callDue = discoveryRequested
                    ? Math.min(nextDiscoveryNanos, lastDiscoveryNanos + MIN_DISCOVERY_GAP_NANOS)
                    : nextDiscoveryNanos;
            for (ShardState shard : order) {
                callDue = Math.min(callDue, shard.fetchDueNanos());
                due = Math.min(due, Math.min(shard.retryDueNanos(), shard.batchDueNanos(batch)));
            }
            due = Math.min(due, Math.max(callDue, reader.retryAtNanos()));
        }
        long wait = Math.max(MIN_IDLE_NANOS, Math.min(MAX_IDLE_NANOS, due - now));
        parked = true;
        if (completions.isEmpty() && releases.isEmpty() && running) {
            LockSupport.parkNanos(this, wait);
        }
        parked = false;
    }

    private void wake() {
        Thread loopThread = thread;
        if (loopThread != null && parked) {
            LockSupport.unpark(loopThread);
        }
    }

    // ---- shard lifecycle ------------------------------------------------------------------------------

    /**
     * Checkpoints closed shards whose records are all done as ended, then lets waiting shards whose
     * parents have ended start.
     */
    private int endShards(long now) {
        int work = 0;
        for (ShardState shard : order) {
            if (shard.readyToEnd() && checkpoints.end(shard, now)) {
                ended(shard);
                work++;
            }
        }
        for (ShardState shard : order) {
            if (shard.phase() == ShardState.Phase.WAITING_FOR_PARENTS && parentsEnded(shard)) {
                shard.startReading(now);
                shard.gauge(metrics.millisBehindGauge(shard));
                LOG.atInfo()
                        .setMessage("kinesis shard reading")
                        .addKeyValue("trigger", triggerName)
                        .addKeyValue("shard", shard.shardId())
                        .addKeyValue("from", shard.iteratorPosition().toString())
                        .log();
                work++;
            }
        }
        return work;
    }

    private void ended(ShardState shard) {
        if (shard.gauge() != null) {
            metrics.remove(shard.gauge());
            shard.gauge(null);
        }
        metrics.shardEnded();
        discoveryRequested = true; // its children may be listed now, or be waiting already
        LOG.atInfo()
                .setMessage("kinesis shard ended: read to its end and checkpointed")
                .addKeyValue("trigger", triggerName)
                .addKeyValue("shard", shard.shardId())
                .addKeyValue("lastSequenceNumber", shard.savedCheckpoint().sequenceNumber())
                .log();
    }

    /** A parent the trigger does not read (not listed, or not among {@code shards}) is not waited for. */
    private boolean parentsEnded(ShardState shard) {
        return ended(shard.parentShardId()) && ended(shard.adjacentParentShardId());
    }

    private boolean ended(String parentId) {
        ShardState parent = parentId == null ? null : shards.get(parentId);
        return parent == null || parent.phase() == ShardState.Phase.ENDED;
    }

    private int discoverIfDue(long now) {
        boolean due = now - nextDiscoveryNanos >= 0
                || (discoveryRequested && now - lastDiscoveryNanos >= MIN_DISCOVERY_GAP_NANOS);
        if (!due) {
            return 0;
        }
        lastDiscoveryNanos = now;
        nextDiscoveryNanos = now + config.shardDiscoveryInterval().toNanos();
        discoveryRequested = false;
        List<Shard> listing = reader.listShards(now);
        if (listing == null) {
            nextDiscoveryNanos = Math.max(now, reader.retryAtNanos());
            return 0;
        }
        track(listing, now);
        return 1;
    }

    private void track(List<Shard> listing, long now) {
        Map<String, Boolean> known = new LinkedHashMap<>();
        shards.forEach((id, shard) -> known.put(id, shard.read()));
        List<ShardPlanner.Planned> planned = planner.plan(listing, known, checkpoints.loaded(), !listed);
        listed = true;
        for (ShardPlanner.Planned plan : planned) {
            Shard shard = plan.shard();
            ShardState state = new ShardState(
                    shard.shardId(),
                    shard.parentShardId(),
                    shard.adjacentParentShardId(),
                    plan.read(),
                    plan.start(),
                    plan.saved(),
                    triggerName,
                    config.streamName(),
                    this::released);
            shards.put(shard.shardId(), state);
            LOG.atInfo()
                    .setMessage(
                            plan.read() ? "kinesis shard found" : "kinesis shard skipped: closed before a LATEST start")
                    .addKeyValue("trigger", triggerName)
                    .addKeyValue("shard", shard.shardId())
                    .addKeyValue("parent", shard.parentShardId())
                    .addKeyValue("adjacentParent", shard.adjacentParentShardId())
                    .addKeyValue("state", state.phase())
                    .addKeyValue(
                            "from", plan.start() == null ? "" : plan.start().toString())
                    .log();
        }
        forgetExpired(listing);
        order = shards.values().toArray(ShardState[]::new);
        if (!planned.isEmpty()) {
            endShards(now);
        }
    }

    /** Ended shards past the stream's retention leave the listing; the trigger forgets them too. */
    private void forgetExpired(List<Shard> listing) {
        Set<String> listedIds = new HashSet<>();
        listing.forEach(shard -> listedIds.add(shard.shardId()));
        shards.values()
                .removeIf(shard -> shard.phase() == ShardState.Phase.ENDED && !listedIds.contains(shard.shardId()));
    }

    /** One GetRecords for each shard that wants records, starting with a different shard each cycle. */
    private int fetch(long now) {
        int count = order.length;
        int first = count == 0 ? 0 : Math.floorMod(nextFirst, count);
        int work = 0;
        for (int i = 0; i < count; i++) {
            ShardState shard = order[(first + i) % count];
            if (!shard.wantsRecords(now)) {
                continue;
            }
            work++;
            ShardReader.Outcome outcome = reader.read(shard, now);
            if (outcome == ShardReader.Outcome.NOT_FOUND) {
                discoveryRequested = true;
            } else if (outcome == ShardReader.Outcome.ENDPOINT_FAILED) {
                break; // no more calls this cycle
            }
        }
        return work;
    }

    // ---- dispatch and outcomes ------------------------------------------------------------------------

    /** Hands each free shard's due unit to the pool, starting with a different shard each cycle. */
    private int dispatchDue(long now) {
        int count = order.length;
        int first = count == 0 ? 0 : Math.floorMod(nextFirst++, count);
        int work = 0;
        for (int i = 0; i < count; i++) {
            ShardState shard = order[(first + i) % count];
            sendDeadLetters(shard, now);
            RecordUnit<Record> unit = shard.nextUnit(now, batch, MAX_RUN);
            if (unit == null) {
                continue;
            }
            if (dispatcher.dispatchGroup(unit, this) == null) {
                return work; // the ring is full: the records stay with their shard for the next cycle
            }
            shard.dispatched(unit, now);
            work++;
            if (unit.isRetry()) {
                metrics.records().retried(unit.size());
            }
        }
        return work;
    }

    private void sendDeadLetters(ShardState shard, long now) {
        CompletableFuture<Void> before = shard.deadLettering();
        outcomes.sendDeadLettersIfDue(shard, now);
        CompletableFuture<Void> sends = shard.deadLettering();
        if (sends != null && sends != before) {
            // once per send, when it starts: the loop wakes when the stream has answered
            sends.whenComplete((ignored, error) -> wake());
        }
    }

    /** Worker or watchdog thread: hands the finished unit to the loop thread. */
    @Override
    public void onComplete(EventSlot slot) {
        completions.offer(slot);
        wake();
    }

    /** Whichever thread lets go of a timed-out unit last. */
    private void released(RecordUnit<Record> unit) {
        releases.offer(unit);
        wake();
    }

    private int drainCompletions(long now) {
        int work = 0;
        EventSlot slot;
        while ((slot = completions.poll()) != null) {
            try {
                finish(slot, now);
                work++;
            } finally {
                slot.release();
            }
        }
        return work;
    }

    private void finish(EventSlot slot, long now) {
        RecordUnit<Record> unit = RecordUnit.of(slot.group());
        ShardState shard = ShardState.of(unit);
        if (slot.outcome() == EventOutcome.TIMEOUT) {
            unit.markTimedOut(); // the shard stays blocked until the stuck worker lets go
            return;
        }
        shard.unitFinished();
        if (slot.outcome() != EventOutcome.NO_WORKER) { // a unit no worker took in time never ran: it runs again
            outcomes.finished(shard, unit, slot, now);
        }
    }

    /** Units whose worker let go after a timeout. */
    private int drainReleases(long now) {
        int work = 0;
        RecordUnit<Record> unit;
        while ((unit = releases.poll()) != null) {
            ShardState shard = ShardState.of(unit);
            if (shard.inFlight() == unit) {
                shard.unitFinished();
                if (unit.timedOut()) {
                    outcomes.timedOutAndReleased(shard, unit, now);
                }
            }
            work++;
        }
        return work;
    }

    private void updateGauges() {
        long buffered = 0;
        int reading = 0;
        for (ShardState shard : order) {
            buffered += shard.bufferedCount();
            ShardState.Phase phase = shard.phase();
            reading += phase == ShardState.Phase.READING || phase == ShardState.Phase.CLOSED ? 1 : 0;
        }
        metrics.buffered(buffered);
        metrics.reading(reading);
    }

    // ---- shutdown -------------------------------------------------------------------------------------

    /** Waits for units in flight up to workerTerminationTimeout, then writes the last checkpoints and closes. */
    private void shutDown() {
        try {
            awaitUnits(System.nanoTime() + config.workerTerminationTimeout().toNanos());
            if (checkpoints.loaded() != null) {
                long now = System.nanoTime();
                endShards(now);
                checkpoints.saveChanged(order);
            }
        } catch (RuntimeException e) {
            LOG.atWarn()
                    .setMessage("writing the last kinesis checkpoints failed")
                    .addKeyValue("trigger", triggerName)
                    .setCause(e)
                    .log();
        } finally {
            closeQuietly(deadLetters);
            closeQuietly(checkpoints::close);
            closeQuietly(client);
            LOG.atInfo()
                    .setMessage("kinesis trigger stopped")
                    .addKeyValue("function", functionName)
                    .addKeyValue("trigger", triggerName)
                    .log();
        }
    }

    private void awaitUnits(long deadline) {
        while (true) {
            long now = System.nanoTime();
            drainCompletions(now);
            drainReleases(now);
            int busy = 0;
            for (ShardState shard : order) {
                outcomes.checkDeadLetters(shard, now);
                busy += shard.busy() ? 1 : 0;
            }
            if (busy == 0) {
                return;
            }
            if (now - deadline >= 0) {
                LOG.atWarn()
                        .setMessage("kinesis shards still had work in flight at workerTerminationTimeout; "
                                + "their records after the last checkpoint will be read again after a restart")
                        .addKeyValue("trigger", triggerName)
                        .addKeyValue("shards", busy)
                        .log();
                return;
            }
            LockSupport.parkNanos(SHUTDOWN_POLL_NANOS);
        }
    }

    private void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.atWarn()
                    .setMessage("closing failed")
                    .addKeyValue("trigger", triggerName)
                    .setCause(e)
                    .log();
        }
    }

    /** @return the longest {@link #shutDown} takes after the wait for units: a checkpoint save or two */
    static Duration shutdownAllowance() {
        return Duration.ofSeconds(10);
    }
}
