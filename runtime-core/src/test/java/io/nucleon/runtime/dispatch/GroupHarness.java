package io.nucleon.runtime.dispatch;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nucleon.runtime.function.FunctionLogger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A started pool of {@link GroupFunctions} with one trigger's dispatcher, a manual clock, a watchdog the
 * test drives by hand, and a queue of answered slots. For each answered slot it keeps what {@link
 * EventSlot#handledCount()} said at the moment of the answer, since a late-finishing timed-out event may
 * still move it afterwards.
 */
final class GroupHarness implements AutoCloseable {

    final ManualNanoClock clock = new ManualNanoClock();
    final GroupFunctions functions;
    final BytesAdapter adapter = new BytesAdapter();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final BlockingQueue<EventSlot> answered = new LinkedBlockingQueue<>();
    final Map<EventSlot, Integer> handledAtAnswer = new ConcurrentHashMap<>();
    final WorkerPool pool;
    final EventDispatcher dispatcher;
    final TimeoutWatchdog watchdog;

    GroupHarness(GroupFunctions.Shape shape, int numWorkers, int ringSize, Duration eventTimeout) {
        this(shape, numWorkers, ringSize, eventTimeout, Duration.ofHours(1));
    }

    GroupHarness(
            GroupFunctions.Shape shape,
            int numWorkers,
            int ringSize,
            Duration eventTimeout,
            Duration availabilityTimeout) {
        functions = new GroupFunctions(shape);
        pool = new WorkerPool(new WorkerPoolSettings(
                "pool",
                "fn",
                numWorkers,
                ringSize,
                eventTimeout,
                functions,
                i -> new FunctionLogger("fn", i),
                GroupHarness.class.getClassLoader(),
                clock));
        dispatcher = pool.dispatcher("test", "t1", availabilityTimeout, registry, Tags.of("trigger", "t1"));
        watchdog = new TimeoutWatchdog(List.of(pool), clock);
        pool.start(Duration.ofSeconds(5));
    }

    /** A long event timeout: it fires only when the test moves the clock a long way. */
    GroupHarness(GroupFunctions.Shape shape, int numWorkers) {
        this(shape, numWorkers, Math.max(4, numWorkers), Duration.ofHours(1));
    }

    EventSlot dispatchGroup(EventGroup group) {
        return dispatcher.dispatchGroup(group, this::answered);
    }

    EventSlot dispatch(String body) {
        return dispatcher.dispatch(adapter, PoolHarness.bytes(body), this::answered);
    }

    private void answered(EventSlot slot) {
        handledAtAnswer.put(slot, slot.handledCount());
        answered.add(slot);
    }

    /** The next answered slot, waiting up to 5 s. */
    EventSlot nextAnswer() throws InterruptedException {
        EventSlot slot = answered.poll(5, TimeUnit.SECONDS);
        if (slot == null) {
            throw new AssertionError("no event answered within 5 s");
        }
        return slot;
    }

    void awaitIdle() {
        Await.await(
                () -> pool.inFlight() == 0 && pool.freeSlots() == pool.ringSize(), "every slot back on the free list");
    }

    @Override
    public void close() {
        functions.releaseAll();
        pool.close();
    }
}
