package io.nucleon.runtime.stream;

import io.nucleon.config.BatchConfig;
import io.nucleon.function.Response;
import io.nucleon.runtime.dispatch.EventAdapter;
import io.nucleon.runtime.dispatch.EventCompletion;
import io.nucleon.runtime.dispatch.EventDispatcher;
import io.nucleon.runtime.dispatch.EventOutcome;
import io.nucleon.runtime.dispatch.EventSlot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At-least-once delivery for brokers that acknowledge messages one at a time (NATS JetStream,
 * RabbitMQ, MQTT): the trigger's consumer thread {@link #submit}s each message; a worker runs the
 * function; the message is acknowledged only after the function succeeded. A failed message is run
 * again after the {@link RetryPolicy}'s backoff (through the broker when it can redeliver later, else
 * held here), and once its attempts are used up it is dead-lettered, or, without a dead-letter
 * destination, retried every {@code maxBackoff} for as long as it fails (Kafka's vocabulary and rules).
 *
 * <p><b>Back-pressure</b>: at most {@code maxInFlight} messages are taken and not yet settled; {@link
 * #submit} blocks the consumer thread beyond that, so the broker's own flow control (prefetch, max ack
 * pending, MQTT receive maximum, TCP) holds the rest. <b>Order</b>: messages with the same {@link
 * BrokerMessage#orderKey()} run one at a time in arrival order. Acknowledgements, retries and dead
 * letters happen on one settle thread per trigger, so workers never wait on the broker.
 *
 * <pre>
 *   consumer thread --submit--> ring --> worker --completion--> settle thread --> ack / retry / dead letter
 * </pre>
 *
 * @param <M> the trigger's message type
 */
public final class AckingDispatcher<M extends BrokerMessage> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AckingDispatcher.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long RING_FULL_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SETTLE_AT_CLOSE_NANOS = TimeUnit.SECONDS.toNanos(2);

    /**
     * What the dispatcher needs to know about its trigger.
     *
     * @param triggerName the trigger's name, for logs and the settle thread's name
     * @param retry how failed messages are retried
     * @param maxInFlight the most messages taken and not yet settled
     * @param deadLetters whether the trigger has a dead-letter destination
     * @param batch the trigger's {@code batch} section: messages then go to a {@code BatchFunction} in
     *     batches of up to {@code batchSize}, or what arrived within {@code timeout}; retries run in
     *     batches of one. Messages must have no {@link BrokerMessage#orderKey()} then.
     */
    public record Settings(
            String triggerName, RetryPolicy retry, int maxInFlight, boolean deadLetters, Optional<BatchConfig> batch) {
        public Settings {
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
            }
        }

        /** Settings without batches: each message to {@code Function.handle}. */
        public Settings(String triggerName, RetryPolicy retry, int maxInFlight, boolean deadLetters) {
            this(triggerName, retry, maxInFlight, deadLetters, Optional.empty());
        }
    }

    private final EventDispatcher dispatcher;
    private final EventAdapter<M> adapter;
    private final Settings settings;
    private final DeliveryMetrics metrics;
    private final Semaphore permits;
    private final ScheduledThreadPoolExecutor settler;
    private final OrderQueues<M> orderQueues = new OrderQueues<>();
    private final AtomicInteger running = new AtomicInteger();
    private final DeliveryAdapter<M> deliveryAdapter;
    private final EventCompletion completion = this::completed;
    /** Batch mode: the batch being filled, and which filling a scheduled timeout flush belongs to. */
    private final List<Delivery<M>> filling = new ArrayList<>();

    private long fillingGeneration;
    private volatile boolean stopped;
    private volatile String problem;
    private long lastFailureLogNanos;
    private long failuresNotLogged;

    /**
     * Creates the dispatcher and its settle thread.
     *
     * @param dispatcher the trigger's entry into its worker pool
     * @param adapter reads the function's event out of a message
     * @param settings retries, bounds and dead letters
     * @param metrics the trigger's delivery counters
     */
    public AckingDispatcher(
            EventDispatcher dispatcher, EventAdapter<M> adapter, Settings settings, DeliveryMetrics metrics) {
        this.dispatcher = dispatcher;
        this.adapter = adapter;
        this.deliveryAdapter = new DeliveryAdapter<>(adapter, this::timedOutRunReleased);
        this.settings = settings;
        this.metrics = metrics;
        this.permits = new Semaphore(settings.maxInFlight());
        this.settler = new ScheduledThreadPoolExecutor(1, runnable -> Thread.ofPlatform()
                .name("nucleon-settle-" + settings.triggerName())
                .daemon(true)
                .unstarted(runnable));
        settler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        settler.setRemoveOnCancelPolicy(true);
    }

    /**
     * Takes a message from the broker, waiting while {@code maxInFlight} messages are unsettled.
     *
     * @param message the message; the dispatcher settles it
     * @return {@code false} when the dispatcher has stopped: the message was not taken and is left
     *     unacknowledged, so the broker delivers it again
     * @throws InterruptedException when the consumer thread is interrupted while waiting
     */
    public boolean submit(M message) throws InterruptedException {
        while (!permits.tryAcquire(50, TimeUnit.MILLISECONDS)) {
            if (stopped) {
                return false;
            }
        }
        if (stopped) {
            permits.release();
            return false;
        }
        metrics.inFlight(1);
        Delivery<M> delivery = new Delivery<>(message);
        if (settings.batch().isPresent()) {
            return fillBatch(delivery);
        }
        if (orderQueues.waitsForItsTurn(delivery)) {
            return true;
        }
        while (!tryDispatch(delivery)) {
            if (stopped) {
                abandon(delivery);
                return false;
            }
            LockSupport.parkNanos(RING_FULL_RETRY_NANOS);
        }
        return true;
    }

    /** Batch mode: adds the message to the batch being filled and sends the batch once it is full. */
    private boolean fillBatch(Delivery<M> delivery) {
        if (delivery.message.orderKey() != null) {
            throw new IllegalStateException(
                    "trigger '" + settings.triggerName()
                            + "': messages with an order key cannot go in batches; the trigger's configuration must refuse that");
        }
        BatchConfig batch = settings.batch().orElseThrow();
        List<Delivery<M>> full = null;
        synchronized (filling) {
            filling.add(delivery);
            if (filling.size() >= batch.batchSize()) {
                full = takeFilling();
            } else if (filling.size() == 1) {
                long generation = fillingGeneration;
                schedule(delivery, batch.timeout().toNanos(), () -> flushFilling(generation));
            }
        }
        if (full != null) {
            while (!tryDispatchBatch(full)) {
                if (stopped) {
                    full.forEach(this::abandon);
                    return false;
                }
                LockSupport.parkNanos(RING_FULL_RETRY_NANOS);
            }
        }
        return true;
    }

    /** Settle thread: the batch's {@code timeout} has passed since its first message. */
    private void flushFilling(long generation) {
        List<Delivery<M>> due;
        synchronized (filling) {
            if (generation != fillingGeneration || filling.isEmpty()) {
                return;
            }
            due = takeFilling();
        }
        dispatchBatchLater(due, 0);
    }

    private List<Delivery<M>> takeFilling() {
        List<Delivery<M>> taken = new ArrayList<>(filling);
        filling.clear();
        fillingGeneration++;
        return taken;
    }

    private boolean tryDispatchBatch(List<Delivery<M>> deliveries) {
        if (!startRunning()) {
            return false;
        }
        MessageBatch<M> batch =
                new MessageBatch<>(deliveries, adapter, dispatcher.triggerKind(), settings.triggerName());
        EventSlot slot = dispatcher.dispatchGroup(batch, completion);
        if (slot == null) {
            running.decrementAndGet();
            return false;
        }
        return true;
    }

    /**
     * Counts a dispatch as running before it happens, then checks for a close: {@link #close(Duration)}
     * sets {@code stopped} before it reads {@code running}, so it either sees this dispatch or this
     * dispatch sees it stopping, and no message runs after the settle thread has gone.
     */
    private boolean startRunning() {
        running.incrementAndGet();
        if (stopped) {
            running.decrementAndGet();
            return false;
        }
        return true;
    }

    /** On the settle thread: dispatch a batch, or try again shortly while the ring is full. */
    private void dispatchBatchLater(List<Delivery<M>> deliveries, long delayNanos) {
        if (stopped) {
            deliveries.forEach(this::abandon);
            return;
        }
        try {
            settler.schedule(
                    () -> {
                        if (stopped) {
                            deliveries.forEach(this::abandon);
                            return;
                        }
                        List<Delivery<M>> live = new ArrayList<>(deliveries.size());
                        for (Delivery<M> delivery : deliveries) {
                            if (delivery.message.returnedToBroker()) {
                                finish(delivery);
                            } else {
                                live.add(delivery);
                            }
                        }
                        if (!live.isEmpty() && !tryDispatchBatch(live)) {
                            dispatchBatchLater(live, RING_FULL_RETRY_NANOS);
                        }
                    },
                    delayNanos,
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            deliveries.forEach(this::abandon);
        }
    }

    private boolean tryDispatch(Delivery<M> delivery) {
        if (settings.batch().isPresent()) {
            return tryDispatchBatch(List.of(delivery)); // a BatchFunction takes its retries in batches too
        }
        if (!startRunning()) {
            return false;
        }
        EventSlot slot = dispatcher.dispatch(deliveryAdapter, delivery, completion);
        if (slot == null) {
            running.decrementAndGet();
            return false;
        }
        return true;
    }

    /** On the settle thread: dispatch, or try again shortly while the ring is full. */
    private void dispatchLater(Delivery<M> delivery, long delayNanos) {
        if (stopped) {
            abandon(delivery);
            return;
        }
        schedule(delivery, delayNanos, () -> {
            if (stopped) {
                abandon(delivery);
            } else if (delivery.message.returnedToBroker()) {
                finish(delivery); // the broker delivers it again: that delivery is the one to run
            } else if (!tryDispatch(delivery)) {
                dispatchLater(delivery, RING_FULL_RETRY_NANOS);
            }
        });
    }

    /** Runs {@code task} on the settle thread after the delay; once it has stopped, leaves the message. */
    private void schedule(Delivery<M> delivery, long delayNanos, Runnable task) {
        try {
            settler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            abandon(delivery);
        }
    }

    /** Worker or watchdog thread: read the outcome, let go of the slot, settle on the settle thread. */
    @SuppressWarnings("unchecked")
    private void completed(EventSlot slot) {
        if (slot.group() != null) {
            batchCompleted(slot);
            return;
        }
        Delivery<M> delivery = (Delivery<M>) slot.attachment();
        EventOutcome outcome = slot.outcome();
        Response response = slot.response();
        Throwable error = slot.error();
        if (outcome == EventOutcome.TIMEOUT && delivery.message.orderKey() != null) {
            // The stuck worker may still be running the message: one of an order group runs again only
            // once the worker has let go of it (DeliveryAdapter.release), so its group's runs never
            // overlap. Other messages are retried after the backoff even while a stuck run goes on: a
            // function that never returns must not hold its message forever.
            delivery.settleWhenReleased = true;
            slot.release();
            return;
        }
        slot.release();
        queueSettle(delivery, outcome, response, error);
    }

    /** A timed-out message's stuck worker has let go of it: it may be settled (and run) again. */
    private void timedOutRunReleased(Delivery<M> delivery) {
        queueSettle(delivery, EventOutcome.TIMEOUT, null, null);
    }

    private void queueSettle(Delivery<M> delivery, EventOutcome outcome, Response response, Throwable error) {
        try {
            settler.execute(() -> settle(delivery, outcome, response, error));
        } catch (RejectedExecutionException e) {
            // closed without waiting: the message stays unacknowledged and the broker delivers it again
        } finally {
            // only after the settle task is queued, so close() sees it queued before it stops the thread
            running.decrementAndGet();
        }
    }

    private void settle(Delivery<M> delivery, EventOutcome outcome, Response response, Throwable error) {
        switch (outcome) {
            case SUCCESS -> acknowledge(delivery, response);
            case NO_WORKER -> dispatchLater(delivery, settings.retry().initialBackoffNanos());
            case FUNCTION_ERROR, TIMEOUT -> failed(delivery, errorClass(outcome, error), errorText(outcome, error));
        }
    }

    /** Worker or watchdog thread: a batch's outcome; a timed-out one settles once its worker let go. */
    @SuppressWarnings("unchecked")
    private void batchCompleted(EventSlot slot) {
        MessageBatch<M> batch = (MessageBatch<M>) slot.group();
        EventOutcome outcome = slot.outcome();
        int[] failedIndexes =
                slot.batchResult() == null ? null : slot.batchResult().failedIndexes();
        Throwable error = slot.error();
        Runnable settle = () -> queueSettleBatch(batch, outcome, failedIndexes, error);
        if (outcome == EventOutcome.TIMEOUT) {
            batch.onRelease(settle); // the slot's release below or the stuck worker's, whichever is last
            slot.release();
            return;
        }
        slot.release();
        settle.run();
    }

    private void queueSettleBatch(MessageBatch<M> batch, EventOutcome outcome, int[] failedIndexes, Throwable error) {
        try {
            settler.execute(() -> settleBatch(batch.deliveries(), outcome, failedIndexes, error));
        } catch (RejectedExecutionException e) {
            // closed without waiting: the messages stay unacknowledged and the broker delivers them again
        } finally {
            running.decrementAndGet();
        }
    }

    private void settleBatch(List<Delivery<M>> deliveries, EventOutcome outcome, int[] failedIndexes, Throwable error) {
        if (outcome == EventOutcome.NO_WORKER) {
            dispatchBatchLater(deliveries, settings.retry().initialBackoffNanos());
            return;
        }
        boolean[] failed = new boolean[deliveries.size()];
        if (outcome != EventOutcome.SUCCESS) {
            java.util.Arrays.fill(failed, true);
        } else if (failedIndexes != null) {
            for (int index : failedIndexes) {
                if (index >= 0 && index < failed.length) {
                    failed[index] = true;
                }
            }
        }
        for (int i = 0; i < deliveries.size(); i++) {
            if (!failed[i]) {
                acknowledge(deliveries.get(i), null);
            } else if (outcome == EventOutcome.SUCCESS) {
                failed(deliveries.get(i), "batch-failure", "handleBatch reported the message as failed");
            } else {
                failed(deliveries.get(i), errorClass(outcome, error), errorText(outcome, error));
            }
        }
    }

    private static String errorClass(EventOutcome outcome, Throwable error) {
        if (outcome == EventOutcome.TIMEOUT) {
            return "timeout";
        }
        return error == null ? "unknown" : error.getClass().getName();
    }

    private static String errorText(EventOutcome outcome, Throwable error) {
        if (outcome == EventOutcome.TIMEOUT) {
            return "the function ran past spec.eventTimeout";
        }
        return error == null ? "" : String.valueOf(error.getMessage());
    }

    private void acknowledge(Delivery<M> delivery, Response response) {
        try {
            delivery.message.ack(response);
            metrics.handled();
        } catch (Exception e) {
            metrics.ackFailed();
            logFailure("the broker did not take an acknowledgement; it will deliver the message again", delivery, e);
        }
        finish(delivery);
    }

    private void failed(Delivery<M> delivery, String errorClass, String error) {
        metrics.failed();
        delivery.failures++;
        delivery.errorClass = errorClass;
        delivery.error = error;
        int attempts = Math.max(delivery.failures, delivery.message.deliveryCount());
        RetryPolicy retry = settings.retry();
        if (!retry.exhausted(attempts)) {
            logFailure("function failed for a message; it will be retried", delivery, null);
            retry(delivery, retry.backoffNanos(attempts));
        } else if (settings.deadLetters()) {
            logFailure("function failed for a message; its attempts are used up", delivery, null);
            sendToDeadLetters(delivery, attempts);
        } else {
            logFailure(
                    "function failed for a message maxAttempts times and no dead-letter destination is set: "
                            + "retrying it every maxBackoff until it succeeds",
                    delivery,
                    null);
            retry(delivery, retry.maxBackoffNanos());
        }
    }

    private void retry(Delivery<M> delivery, long backoffNanos) {
        metrics.retried();
        if (delivery.message.orderKey() == null && redeliveredByBroker(delivery, backoffNanos)) {
            finish(delivery);
        } else {
            dispatchLater(delivery, backoffNanos);
        }
    }

    private boolean redeliveredByBroker(Delivery<M> delivery, long backoffNanos) {
        try {
            return delivery.message.redeliverLater(backoffNanos);
        } catch (Exception e) {
            logFailure("the broker did not take a redelivery request; retrying the message here", delivery, e);
            return false;
        }
    }

    private void sendToDeadLetters(Delivery<M> delivery, int attempts) {
        if (delivery.message.returnedToBroker()) {
            finish(delivery); // nothing to dead-letter: the broker has it back and delivers it again
            return;
        }
        try {
            delivery.message.deadLetter(new DeliveryFailure(delivery.errorClass, delivery.error, attempts));
            problem = null;
            metrics.deadLettered();
            LOG.atWarn()
                    .setMessage("message sent to the dead-letter destination after its last attempt")
                    .addKeyValue("trigger", settings.triggerName())
                    .addKeyValue("message", delivery.message.describe())
                    .addKeyValue("attempts", attempts)
                    .addKeyValue("error", delivery.errorClass + ": " + delivery.error)
                    .log();
            finish(delivery);
        } catch (Exception e) {
            problem = "cannot dead-letter messages: " + e.getMessage();
            logFailure(
                    "the dead-letter destination did not take a message; trying again after maxBackoff", delivery, e);
            if (stopped) {
                abandon(delivery);
            } else {
                schedule(delivery, settings.retry().maxBackoffNanos(), () -> sendToDeadLetters(delivery, attempts));
            }
        }
    }

    /** The message is settled: the next of its order group may run, and another may be taken. */
    private void finish(Delivery<M> delivery) {
        Delivery<M> next = orderQueues.next(delivery);
        if (next != null) {
            dispatchLater(next, 0);
        }
        metrics.inFlight(-1);
        permits.release();
    }

    /** The message leaves unsettled (stopping): the broker delivers it again later. */
    private void abandon(Delivery<M> delivery) {
        Delivery<M> next = orderQueues.next(delivery);
        metrics.inFlight(-1);
        permits.release();
        if (next != null) {
            abandon(next);
        }
    }

    private void logFailure(String message, Delivery<M> delivery, Exception cause) {
        long now = System.nanoTime();
        if (now - lastFailureLogNanos < LOG_INTERVAL_NANOS) {
            failuresNotLogged++;
            return;
        }
        lastFailureLogNanos = now;
        var line = LOG.atWarn()
                .setMessage(message)
                .addKeyValue("trigger", settings.triggerName())
                .addKeyValue("message", delivery.message.describe())
                .addKeyValue("failures", delivery.failures)
                .addKeyValue("failuresNotLoggedSinceLastLine", failuresNotLogged);
        if (delivery.errorClass != null) {
            line = line.addKeyValue("error", delivery.errorClass + ": " + delivery.error);
        }
        if (cause != null) {
            line = line.addKeyValue("cause", cause.toString());
        }
        line.log();
        failuresNotLogged = 0;
    }

    /** @return why messages cannot be settled right now, or {@code null} */
    public String problem() {
        return problem;
    }

    /** @return messages taken from the broker and not yet settled */
    public int inFlight() {
        return settings.maxInFlight() - permits.availablePermits();
    }

    /** Takes no more messages; {@link #submit} answers {@code false} from now on. */
    public void stopAccepting() {
        stopped = true;
    }

    /**
     * Waits for messages running in the function to end and their acknowledgements to be sent, then
     * stops the settle thread. Messages waiting for a retry are left unacknowledged, for the broker to
     * deliver again. Call before closing the broker connection.
     *
     * @param timeout how long to wait for running messages
     * @return {@code true} when everything running was settled in time
     */
    public boolean close(Duration timeout) {
        stopped = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (running.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        boolean drained = running.get() == 0;
        settler.shutdown();
        try {
            // The acknowledgements queued last still get their time, even when the runs used up the timeout.
            long settleNanos = Math.max(deadline - System.nanoTime(), SETTLE_AT_CLOSE_NANOS);
            drained &= settler.awaitTermination(settleNanos, TimeUnit.NANOSECONDS);
            if (!drained) {
                settler.shutdownNow();
                settler.awaitTermination(SETTLE_AT_CLOSE_NANOS, TimeUnit.NANOSECONDS); // the task in progress
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            settler.shutdownNow();
            drained = false;
        }
        return drained;
    }

    /** Stops at once: nothing more is acknowledged. Prefer {@link #close(Duration)}. */
    @Override
    public void close() {
        stopped = true;
        settler.shutdownNow();
    }
}
