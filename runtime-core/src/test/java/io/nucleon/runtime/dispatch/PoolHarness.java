package io.nucleon.runtime.dispatch;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nucleon.runtime.function.FunctionLogger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A started pool of {@link ScriptedFunctions} with one trigger's dispatcher, a manual clock, a watchdog
 * the test drives by hand, and a queue of answered slots.
 */
final class PoolHarness implements AutoCloseable {

    final ManualNanoClock clock = new ManualNanoClock();
    final ScriptedFunctions functions = new ScriptedFunctions();
    final BytesAdapter adapter = new BytesAdapter();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final BlockingQueue<EventSlot> answered = new LinkedBlockingQueue<>();
    final WorkerPool pool;
    final EventDispatcher dispatcher;
    final TimeoutWatchdog watchdog;

    PoolHarness(int numWorkers, int ringSize, Duration eventTimeout, Duration availabilityTimeout) {
        pool = new WorkerPool(new WorkerPoolSettings(
                "pool",
                "fn",
                numWorkers,
                ringSize,
                eventTimeout,
                functions,
                i -> new FunctionLogger("fn", i),
                PoolHarness.class.getClassLoader(),
                clock));
        pool.registerMetrics(registry);
        dispatcher = pool.dispatcher("test", "t1", availabilityTimeout, registry, Tags.of("trigger", "t1"));
        watchdog = new TimeoutWatchdog(List.of(pool), clock);
        pool.start(Duration.ofSeconds(5));
    }

    /** Long timeouts: neither fires unless the test moves the clock a long way. */
    PoolHarness(int numWorkers, int ringSize) {
        this(numWorkers, ringSize, Duration.ofHours(1), Duration.ofHours(1));
    }

    static byte[] bytes(String body) {
        return body.getBytes(StandardCharsets.UTF_8);
    }

    EventSlot dispatch(byte[] attachment) {
        return dispatcher.dispatch(adapter, attachment, answered::add);
    }

    EventSlot dispatch(String body) {
        return dispatch(bytes(body));
    }

    /** The next answered slot, waiting up to 5 s. */
    EventSlot nextAnswer() throws InterruptedException {
        EventSlot slot = answered.poll(5, TimeUnit.SECONDS);
        if (slot == null) {
            throw new AssertionError("no event answered within 5 s");
        }
        return slot;
    }

    double counter(String name, String... tags) {
        return registry.get(name).tags(tags).functionCounter().count();
    }

    void awaitIdle() {
        Await.await(
                () -> pool.inFlight() == 0 && pool.freeSlots() == pool.ringSize(), "every slot back on the free list");
    }

    @Override
    public void close() {
        functions.openGate();
        pool.close();
    }
}
