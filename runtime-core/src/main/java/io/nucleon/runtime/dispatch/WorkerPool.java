package io.nucleon.runtime.dispatch;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.nucleon.function.Logger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;
import org.agrona.concurrent.NanoClock;
import org.slf4j.LoggerFactory;

/**
 * A named set of workers with one ring of preallocated event slots, shared by every trigger that names
 * it in {@code workerAllocatorName} (or owned by a single trigger).
 */
public final class WorkerPool implements AutoCloseable {

    /** Slots per pool unless configured otherwise: enough to queue a burst, small enough to stay in cache. */
    public static final int DEFAULT_RING_SIZE = 1024;

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(WorkerPool.class);

    private final String name;
    private final String functionName;
    private final int numWorkers;
    private final long eventTimeoutNanos;
    private final FunctionFactory functionFactory;
    private final IntFunction<Logger> loggers;
    private final ClassLoader functionClassLoader;
    private final NanoClock clock;
    private final java.util.Map<String, String> env;
    private final io.nucleon.runtime.state.FunctionServices services;
    private final EventSlot[] slots;
    private final ManyToManyConcurrentArrayQueue<EventSlot> free;
    private final ManyToManyConcurrentArrayQueue<EventSlot> ready;
    private final ManyToManyConcurrentArrayQueue<Worker> idle;
    private final AtomicReferenceArray<Worker> workers;
    /** Workers replaced after a timeout whose stuck event may still return; close waits for them too. */
    private final java.util.Queue<Worker> retiredWorkers = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private final WorkerContext[] contexts;
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicInteger searching = new AtomicInteger();
    private final LongAdder replaced = new LongAdder();
    private final LongAdder contendedOffers = new LongAdder();
    private final LongAdder triggerHeld = new LongAdder();
    private final List<TriggerMetrics> triggerMetrics = new ArrayList<>();
    private volatile boolean running;

    /**
     * Creates a pool; no thread starts until {@link #start}.
     *
     * @param settings what the pool runs and how large it is
     */
    public WorkerPool(WorkerPoolSettings settings) {
        this.name = settings.name();
        this.functionName = settings.functionName();
        this.numWorkers = settings.numWorkers();
        this.eventTimeoutNanos = settings.eventTimeout().toNanos();
        this.functionFactory = settings.functionFactory();
        this.loggers = settings.loggers();
        this.functionClassLoader = settings.functionClassLoader();
        this.clock = settings.clock();
        this.env = settings.env();
        this.services = settings.services();
        int ringSize = Math.max(2, settings.ringSize());
        this.slots = new EventSlot[ringSize];
        this.free = new ManyToManyConcurrentArrayQueue<>(ringSize);
        this.ready = new ManyToManyConcurrentArrayQueue<>(ringSize);
        this.idle = new ManyToManyConcurrentArrayQueue<>(Math.max(2, numWorkers));
        for (int i = 0; i < ringSize; i++) {
            slots[i] = new EventSlot(this);
            free.offer(slots[i]);
        }
        this.workers = new AtomicReferenceArray<>(numWorkers);
        this.contexts = new WorkerContext[numWorkers];
    }

    /**
     * Connects a trigger to this pool.
     *
     * @param triggerKind the trigger's kind
     * @param triggerName the trigger's name
     * @param workerAvailabilityTimeout how long an event may wait for a worker
     * @param registry where the trigger's metrics are registered
     * @param tags the trigger's metric tags
     * @return the trigger's dispatcher
     */
    public EventDispatcher dispatcher(
            String triggerKind,
            String triggerName,
            Duration workerAvailabilityTimeout,
            MeterRegistry registry,
            Tags tags) {
        TriggerMetrics metrics = new TriggerMetrics();
        metrics.register(registry, tags);
        synchronized (triggerMetrics) {
            triggerMetrics.add(metrics);
        }
        return new EventDispatcher(this, triggerKind, triggerName, workerAvailabilityTimeout.toNanos(), metrics);
    }

    /**
     * Starts the workers and waits for every worker's {@code init}.
     *
     * @param initTimeout how long all inits together may take
     * @throws IllegalStateException naming the worker and the cause when an init fails or takes too long
     */
    public void start(Duration initTimeout) {
        running = true;
        try {
            for (int i = 0; i < numWorkers; i++) {
                workers.set(i, newWorker(i, 0));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        for (int i = 0; i < numWorkers; i++) {
            workers.get(i).start();
        }
        long deadline = System.nanoTime() + initTimeout.toNanos();
        for (int i = 0; i < numWorkers; i++) {
            awaitInit(workers.get(i), deadline);
        }
    }

    private void awaitInit(Worker worker, long deadlineNanos) {
        try {
            worker.initialized().get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            close();
            Throwable cause = e.getCause();
            throw new IllegalStateException(
                    "function '" + functionName + "' worker " + worker.index() + ": init failed: " + describe(cause),
                    cause);
        } catch (TimeoutException e) {
            close();
            throw new IllegalStateException(
                    "function '" + functionName + "' worker " + worker.index() + ": init did not finish in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while starting workers", e);
        }
    }

    private Worker newWorker(int index, int generation) {
        if (contexts[index] == null || generation > 0) {
            contexts[index] = new WorkerContext(loggers.apply(index), index, functionName, env, services);
        }
        try {
            return new Worker(this, index, functionFactory.create(), contexts[index], generation);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "function '" + functionName + "': cannot create handler instance: " + describe(e), e);
        }
    }

    /**
     * Registers the pool's own gauges.
     *
     * @param registry the registry
     */
    public void registerMetrics(MeterRegistry registry) {
        Tags tags = Tags.of("function", functionName, "pool", name);
        Gauge.builder("nucleon_worker_pool_workers", this, p -> p.numWorkers)
                .description("Workers in the pool")
                .tags(tags)
                .register(registry);
        Gauge.builder("nucleon_worker_pool_busy_workers", busy, AtomicInteger::get)
                .description("Workers running an event")
                .tags(tags)
                .register(registry);
        Gauge.builder("nucleon_worker_pool_queued_events", ready, ManyToManyConcurrentArrayQueue::size)
                .description("Events waiting for a worker")
                .tags(tags)
                .register(registry);
        Gauge.builder("nucleon_worker_pool_ring_capacity", this, p -> p.slots.length)
                .description("Event slots in the pool's ring")
                .tags(tags)
                .register(registry);
        FunctionCounter.builder("nucleon_worker_pool_workers_replaced", replaced, LongAdder::doubleValue)
                .description("Workers replaced after an event timeout")
                .tags(tags)
                .register(registry);
        FunctionCounter.builder("nucleon_worker_pool_contended_offers", contendedOffers, LongAdder::doubleValue)
                .description("Ring hand-offs that had to wait for a descheduled consumer")
                .tags(tags)
                .register(registry);
    }

    /**
     * Asks every current worker to run its function's drain hook between events.
     *
     * @return completed when all of them have
     */
    java.util.concurrent.CompletableFuture<Void> drainFunctions() {
        List<java.util.concurrent.CompletableFuture<Void>> requests = new ArrayList<>();
        for (int i = 0; i < numWorkers; i++) {
            Worker worker = workers.get(i);
            if (worker != null) {
                requests.add(worker.requestDrain());
            }
        }
        return java.util.concurrent.CompletableFuture.allOf(
                requests.toArray(java.util.concurrent.CompletableFuture[]::new));
    }

    // ---- data path ---------------------------------------------------------------------------------

    EventSlot claim() {
        if (!running) {
            return null;
        }
        EventSlot slot = free.poll();
        if (slot != null && !slot.claim()) {
            throw new IllegalStateException("event slot on the free list was not free");
        }
        return slot;
    }

    void publish(EventSlot slot) {
        triggerHeld.increment();
        SlotQueues.offer(ready, slot, contendedOffers); // holds every slot: waits, never drops
        if (searching.get() == 0) {
            wakeOne();
        } // else a searching worker takes it, or wakes another when it stops searching
    }

    private void wakeOne() {
        Worker listed;
        while ((listed = idle.poll()) != null) {
            if (listed.wakeIfWaiting()) {
                return;
            } // else it found work by itself after listing; try the next one
        }
    }

    void searchStarted() {
        searching.incrementAndGet();
    }

    void searchEnded() {
        if (searching.decrementAndGet() == 0 && hasReady()) {
            wakeOne(); // published while this worker still counted as searching
        }
    }

    /**
     * A worker took an event without searching. Events published while some worker searched woke
     * nobody; each worker that takes one passes the wake on while more are queued, so a burst reaches
     * every parked worker, not only the first.
     */
    void tookWork() {
        if (numWorkers > 1 && searching.get() == 0 && hasReady() && !idle.isEmpty()) {
            wakeOne();
        }
    }

    EventSlot poll() {
        return ready.poll();
    }

    boolean hasReady() {
        return !ready.isEmpty();
    }

    void listIdle(Worker worker) {
        SlotQueues.offer(idle, worker, contendedOffers);
    }

    boolean hasIdleWorker() {
        return busy.get() < numWorkers;
    }

    void workerBusy() {
        busy.incrementAndGet();
    }

    /** Called once per event by whoever answered it (the worker, or the watchdog for a timeout). */
    void workerIdle() {
        busy.decrementAndGet();
    }

    void recycle(EventSlot slot) {
        SlotQueues.offer(free, slot, contendedOffers);
    }

    /**
     * Answers events that ran past the event timeout (and replaces their workers) and events that waited
     * past their trigger's worker availability timeout. Called by the {@link TimeoutWatchdog}.
     *
     * @param nowNanos the current time of the pool's clock
     * @return how many events were answered
     */
    int checkTimeouts(long nowNanos) {
        int answered = 0;
        for (int i = 0; i < numWorkers; i++) {
            Worker worker = workers.get(i);
            if (worker != null && worker.timeOutIfStuck(nowNanos, eventTimeoutNanos)) {
                replace(worker);
                answered++;
            }
        }
        for (EventSlot slot : slots) {
            answered += expireIfWaitedTooLong(slot, nowNanos);
        }
        return answered;
    }

    private static int expireIfWaitedTooLong(EventSlot slot, long nowNanos) {
        long stamp = slot.stamp();
        if (EventSlot.phase(stamp) != EventSlot.QUEUED) {
            return 0;
        }
        EventDispatcher dispatcher = slot.dispatcher();
        long enqueued = slot.enqueuedNanos();
        if (slot.stamp() != stamp
                || dispatcher == null
                || nowNanos - enqueued <= dispatcher.availabilityTimeoutNanos()) {
            return 0;
        }
        return slot.complete(stamp, EventOutcome.NO_WORKER, null, null) ? 1 : 0;
    }

    private void replace(Worker stuck) {
        stuck.retire();
        retiredWorkers.removeIf(worker -> !worker.isAlive());
        retiredWorkers.add(stuck);
        replaced.increment();
        LOG.atWarn()
                .setMessage("event timed out; replacing the worker")
                .addKeyValue("function", functionName)
                .addKeyValue("pool", name)
                .addKeyValue("worker", stuck.index())
                .addKeyValue("stuckThread", stuck.threadName())
                .addKeyValue("eventTimeoutMs", TimeUnit.NANOSECONDS.toMillis(eventTimeoutNanos))
                .log();
        if (!running) {
            return;
        }
        try {
            Worker fresh = newWorker(stuck.index(), (int) replaced.sum());
            workers.set(stuck.index(), fresh);
            fresh.start();
            fresh.initialized().whenComplete((ignored, failure) -> {
                if (failure != null) {
                    LOG.atError()
                            .setMessage("replacement worker's init failed; the pool runs with one worker less")
                            .addKeyValue("function", functionName)
                            .addKeyValue("worker", stuck.index())
                            .setCause(failure)
                            .log();
                }
            });
        } catch (RuntimeException e) {
            LOG.atError()
                    .setMessage("cannot replace worker; the pool runs with one worker less")
                    .addKeyValue("function", functionName)
                    .addKeyValue("worker", stuck.index())
                    .setCause(e)
                    .log();
        }
    }

    // ---- lifecycle and state ------------------------------------------------------------------------

    /**
     * Events dispatched and not yet released by their trigger: queued, running, or answered but not yet
     * written back. Shutdown drains until this is 0. (A worker stuck past its timeout holds its slot
     * longer, but its event was answered and released by the trigger, so it does not count.)
     *
     * @return the number of events the triggers still hold
     */
    public int inFlight() {
        return (int) triggerHeld.sum();
    }

    /** @return slots on the free list (approximate while events flow) */
    int freeSlots() {
        return free.size();
    }

    void triggerReleased() {
        triggerHeld.decrement();
    }

    /** @return the pool's name */
    public String name() {
        return name;
    }

    /** @return the number of workers */
    public int numWorkers() {
        return numWorkers;
    }

    /** @return the number of workers running an event right now */
    public int busyWorkers() {
        return busy.get();
    }

    /** @return the number of ring slots */
    public int ringSize() {
        return slots.length;
    }

    boolean isRunning() {
        return running;
    }

    NanoClock clock() {
        return clock;
    }

    ClassLoader functionClassLoader() {
        return functionClassLoader;
    }

    /**
     * Stops the workers (each runs its function instance's drain and close hooks) and answers events still queued
     * as {@link EventOutcome#NO_WORKER}. Waits at most 5 s for every worker, those retired after a timeout
     * included. Callers drain triggers first so that nothing is queued.
     */
    @Override
    public void close() {
        running = false;
        for (int i = 0; i < numWorkers; i++) {
            Worker worker = workers.get(i);
            if (worker != null) {
                worker.stop();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (int i = 0; i < numWorkers; i++) {
            joinQuietly(workers.get(i), deadline);
        }
        for (Worker retired : retiredWorkers) { // their drain and close must not outlive the data bindings either
            joinQuietly(retired, deadline);
        }
        EventSlot leftover;
        while ((leftover = ready.poll()) != null) {
            long stamp = leftover.stamp();
            leftover.complete(stamp, EventOutcome.NO_WORKER, null, null);
            leftover.releaseByWorker();
        }
    }

    private void joinQuietly(Worker worker, long deadlineNanos) {
        if (worker == null) {
            return;
        }
        try {
            long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
            if (!worker.join(millis)) {
                LOG.atWarn()
                        .setMessage("worker did not stop within 5 s of the pool closing; leaving it")
                        .addKeyValue("thread", worker.threadName())
                        .log();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String describe(Throwable t) {
        String message = t.getMessage();
        return t.getClass().getName() + (message == null ? "" : ": " + message);
    }
}
