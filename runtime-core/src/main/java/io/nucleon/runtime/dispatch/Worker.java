package io.nucleon.runtime.dispatch;

import io.nucleon.function.BatchFunction;
import io.nucleon.function.BatchResult;
import io.nucleon.function.Function;
import io.nucleon.function.Lifecycle;
import io.nucleon.function.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread with its own function instance that takes ready slots from its pool, one at a time.
 *
 * <p>When the ready queue is empty the worker spins briefly (searching), then lists itself as idle and
 * parks; {@link WorkerPool#publish} unparks one listed worker when no worker is searching. The listing
 * happens before the last look at the queue, and the searching count drops before it, so a publish can
 * never slip between the look and the park unnoticed.
 */
final class Worker implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    private static final int SPIN_TRIES = 100;
    private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final int ACTIVE = 0;
    private static final int WAITING = 1;

    private final WorkerPool pool;
    private final int index;
    private final Lifecycle instance;
    private final Function function;
    private final BatchFunction batchFunction;
    private final WorkerContext context;
    private final Thread thread;
    private final AtomicBoolean listedIdle = new AtomicBoolean();
    private final AtomicInteger state = new AtomicInteger(ACTIVE);
    private final CompletableFuture<Void> initialized = new CompletableFuture<>();

    private volatile boolean retired;
    private volatile EventSlot current;
    private volatile long currentStamp;
    private volatile long startedNanos;
    private final AtomicReference<CompletableFuture<Void>> drainRequest = new AtomicReference<>();
    /** Whether the drain hook ran after the last event; only the worker's thread reads and writes it. */
    private boolean drainedSinceEvent;
    /** Guards {@link #finishing}: once set, stop and retire no longer interrupt (the hooks must not be cut short). */
    private final Object finishLock = new Object();

    private boolean finishing;

    Worker(WorkerPool pool, int index, Lifecycle instance, WorkerContext context, int generation) {
        this.pool = pool;
        this.index = index;
        this.instance = instance;
        this.function = instance instanceof Function single ? single : null;
        this.batchFunction = instance instanceof BatchFunction batch ? batch : null;
        this.context = context;
        String name = "nucleon-worker-" + pool.name() + "-" + index + (generation > 0 ? "." + generation : "");
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this);
        this.thread.setContextClassLoader(pool.functionClassLoader());
    }

    void start() {
        thread.start();
    }

    CompletableFuture<Void> initialized() {
        return initialized;
    }

    @Override
    public void run() {
        try {
            instance.init(context);
            initialized.complete(null);
        } catch (Throwable t) {
            initialized.completeExceptionally(t);
            closeFunction();
            return;
        }
        while (!retired && pool.isRunning()) {
            runDrainHookIfAsked();
            EventSlot slot = pool.poll();
            if (slot != null) {
                pool.tookWork(); // more queued and nobody searching: get a parked worker going too
            } else {
                slot = search();
            }
            if (slot == null) {
                park();
            } else {
                process(slot);
            }
        }
        synchronized (finishLock) {
            finishing = true;
            Thread.interrupted(); // stop() interrupts to end a wait; drain and close must be able to block (flush)
        }
        runDrainHookIfAsked(); // a retired (timed-out) or stopping worker still answers a pending drain
        if (!drainedSinceEvent) {
            runDrainHook(); // the stop: flush before close, unless a trigger's own drain (a revocation) just did
        }
        closeFunction();
    }

    private void process(EventSlot slot) {
        long queued = slot.stamp();
        if (EventSlot.phase(queued) != EventSlot.QUEUED) {
            slot.releaseByWorker(); // answered while queued (no worker in time)
            return;
        }
        EventDispatcher dispatcher = slot.dispatcher();
        long now = pool.clock().nanoTime();
        long waited = now - slot.enqueuedNanos();
        if (waited > dispatcher.availabilityTimeoutNanos()) {
            slot.complete(queued, EventOutcome.NO_WORKER, null, null);
            slot.releaseByWorker();
            return;
        }
        if (!slot.startRunning(queued)) {
            slot.releaseByWorker();
            return;
        }
        drainedSinceEvent = false;
        TriggerMetrics metrics = dispatcher.metrics();
        metrics.recordAllocation(slot.workerWasIdle());
        metrics.recordWait(waited);
        long running = EventSlot.runningStamp(queued);
        EventGroup group = slot.group();
        if (group == null) {
            run(slot, dispatcher, running, now);
        } else if (group.isBatch()) {
            runBatch(slot, group, dispatcher, running, now);
        } else {
            runEachInOrder(slot, group, dispatcher, running, now);
        }
        metrics.recordDuration(pool.clock().nanoTime() - now);
        slot.releaseByWorker();
    }

    private void run(EventSlot slot, EventDispatcher dispatcher, long runningStamp, long now) {
        begin(slot, runningStamp, now);
        Response response = null;
        Throwable failure = null;
        try {
            if (function == null) {
                throw new IllegalStateException("trigger '" + dispatcher.triggerName()
                        + "' sends single events but the handler implements only BatchFunction");
            }
            response = function.handle(context.bind(dispatcher), slot);
            if (response == null) {
                failure = new IllegalStateException("handler returned null; return Response.noContent() for no body");
            }
        } catch (Throwable t) {
            failure = t;
        }
        if (end(slot, runningStamp)) {
            answer(slot, failure, response);
        }
    }

    /** A batch: one {@code handleBatch} call; the result says which events failed. */
    private void runBatch(EventSlot slot, EventGroup group, EventDispatcher dispatcher, long runningStamp, long now) {
        begin(slot, runningStamp, now);
        BatchResult result = null;
        Throwable failure = null;
        try {
            if (batchFunction == null) {
                throw new IllegalStateException("trigger '" + dispatcher.triggerName()
                        + "' sends batches but the handler does not implement BatchFunction");
            }
            result = batchFunction.handleBatch(context.bind(dispatcher), group.events());
            if (result == null) {
                failure = new IllegalStateException(
                        "handleBatch returned null; return BatchResult.success() when all events succeeded");
            }
        } catch (Throwable t) {
            failure = t;
        }
        if (end(slot, runningStamp)) {
            slot.batchResult(result);
            answer(slot, failure, null);
        }
    }

    /**
     * A run: each event in order, stopping at the first failure. Each event gets the full event timeout
     * (the clock restarts per event), and a run that timed out stops before its next event.
     */
    private void runEachInOrder(
            EventSlot slot, EventGroup group, EventDispatcher dispatcher, long runningStamp, long now) {
        begin(slot, runningStamp, now);
        WorkerContext bound = context.bind(dispatcher);
        Throwable failure = null;
        int size = group.size();
        for (int i = 0; i < size && slot.stamp() == runningStamp && !group.stopRequested(); i++) {
            if (i > 0) {
                startedNanos = pool.clock().nanoTime();
            }
            group.started(i);
            failure = handleOne(bound, group.event(i));
            if (failure != null) {
                break;
            }
            slot.handled(i + 1);
            group.handled(i);
        }
        if (end(slot, runningStamp)) {
            answer(slot, failure, null);
        }
    }

    private Throwable handleOne(WorkerContext bound, io.nucleon.function.Event event) {
        try {
            if (function == null) {
                return new IllegalStateException("the handler does not implement Function");
            }
            return function.handle(bound, event) == null
                    ? new IllegalStateException("handler returned null; return Response.noContent() for no body")
                    : null;
        } catch (Throwable t) {
            return t;
        }
    }

    private void begin(EventSlot slot, long runningStamp, long now) {
        startedNanos = now;
        currentStamp = runningStamp;
        current = slot;
        pool.workerBusy();
    }

    /** @return whether this worker answers the event (false: the watchdog answered a timeout) */
    private boolean end(EventSlot slot, long runningStamp) {
        current = null;
        Thread.interrupted(); // a timeout's interrupt must not leak into the next event
        if (!slot.tryAnswer(runningStamp)) {
            return false;
        }
        pool.workerIdle(); // before the answer goes out, so the next event sees a free worker
        return true;
    }

    private static void answer(EventSlot slot, Throwable failure, Response response) {
        if (failure == null) {
            slot.deliver(EventOutcome.SUCCESS, response, null);
        } else {
            slot.deliver(EventOutcome.FUNCTION_ERROR, null, failure);
        }
    }

    /** Runs the function's drain hook when the pool asked for it (see {@link #requestDrain}). */
    private void runDrainHookIfAsked() {
        if (drainRequest.get() == null) {
            return; // a plain read on every loop; the exchange only when there is a request
        }
        CompletableFuture<Void> request = drainRequest.getAndSet(null);
        if (request == null) {
            return;
        }
        runDrainHook();
        request.complete(null);
    }

    private void runDrainHook() {
        try {
            instance.drain();
        } catch (Throwable t) {
            LOG.atWarn()
                    .setMessage("function drain hook failed")
                    .addKeyValue("worker", index)
                    .setCause(t)
                    .log();
        }
        drainedSinceEvent = true;
    }

    /**
     * Asks this worker to run its function's drain hook between events.
     *
     * @return completed once the hook has run
     */
    CompletableFuture<Void> requestDrain() {
        CompletableFuture<Void> fresh = new CompletableFuture<>();
        CompletableFuture<Void> pending = drainRequest.compareAndExchange(null, fresh);
        LockSupport.unpark(thread);
        return pending == null ? fresh : pending; // one hook run answers every request made before it
    }

    /**
     * Spins briefly for work, counted as a searching worker: while one worker searches, publishers
     * wake nobody, so a steady stream is taken by awake workers without a system call per event. The
     * last searcher to find work wakes another worker if more is queued, so a slow event it is about to
     * run can never hide work from a parked worker.
     */
    private EventSlot search() {
        pool.searchStarted();
        for (int i = 0; i < SPIN_TRIES && !retired && pool.isRunning(); i++) {
            EventSlot slot = pool.poll();
            if (slot != null) {
                pool.searchEnded(); // and wakes another worker if more is queued
                return slot;
            }
            Thread.onSpinWait();
        }
        pool.searchEnded();
        return null;
    }

    /** Lists this worker as idle and parks, after one last look (see the class comment). */
    private void park() {
        state.set(WAITING);
        if (listedIdle.compareAndSet(false, true)) {
            pool.listIdle(this);
        }
        if (!pool.hasReady() && drainRequest.get() == null && !retired && pool.isRunning()) {
            LockSupport.parkNanos(this, PARK_NANOS);
        }
        state.set(ACTIVE);
    }

    /**
     * Called by the pool after taking this worker off the idle list.
     *
     * @return whether the worker was waiting (and is now woken); {@code false} when it found work by
     *     itself after listing, so the publisher should wake another one
     */
    boolean wakeIfWaiting() {
        listedIdle.set(false);
        if (state.get() != WAITING) {
            return false;
        }
        LockSupport.unpark(thread);
        return true;
    }

    /**
     * The event this worker runs, if it has run longer than {@code timeoutNanos}, answered as timed out.
     *
     * @return whether this worker timed out and must be replaced
     */
    boolean timeOutIfStuck(long nowNanos, long timeoutNanos) {
        EventSlot slot = current;
        if (slot == null) {
            return false;
        }
        long stamp = currentStamp;
        long started = startedNanos;
        if (current != slot || nowNanos - started <= timeoutNanos || !slot.tryAnswer(stamp)) {
            return false;
        }
        pool.workerIdle(); // the stuck worker no longer counts; its replacement will
        slot.deliver(EventOutcome.TIMEOUT, null, null);
        return true;
    }

    void retire() {
        retired = true;
        interruptUnlessFinishing();
        LockSupport.unpark(thread);
    }

    /**
     * Stops the worker; an event or init still running past the drain is interrupted, its final drain and close
     * hooks are not.
     */
    void stop() {
        interruptUnlessFinishing();
        LockSupport.unpark(thread);
    }

    private void interruptUnlessFinishing() {
        synchronized (finishLock) {
            if (!finishing) {
                thread.interrupt();
            }
        }
    }

    boolean isAlive() {
        return thread.isAlive();
    }

    boolean join(long millis) throws InterruptedException {
        thread.join(millis);
        return !thread.isAlive();
    }

    int index() {
        return index;
    }

    String threadName() {
        return thread.getName();
    }

    private void closeFunction() {
        try {
            instance.close();
        } catch (Throwable t) {
            LOG.atWarn()
                    .setMessage("function close failed")
                    .addKeyValue("worker", index)
                    .setCause(t)
                    .log();
        }
        context.closeOwnBindings();
    }
}
