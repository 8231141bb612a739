package io.nucleon.runtime.dispatch;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nucleon.runtime.function.FunctionLogger;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.agrona.concurrent.SystemNanoClock;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A started {@link WorkerPool} running {@link NoOpFunction}, and the producer's side of it. Everything
 * the producer hands over per event (adapter, attachment, completion) is allocated once here, so that
 * {@code -prof gc} sees only what the runtime allocates.
 */
@State(Scope.Thread)
public class NucleonRingHandOff {

    /** Worker threads in the pool. */
    @Param({"1", "2"})
    public int numWorkers;

    /** Events in flight at most; below the ring size, so that the ring never reports full. */
    @Param({"256"})
    public int window;

    private static final ByteBuffer BODY = FixedBodyAdapter.body("hello");

    private final CompletionCounter completed = new CompletionCounter();
    private final EventCompletion completion = new ReleasingCompletion(completed);
    private WorkerPool pool;
    private EventDispatcher dispatcher;
    private long dispatched;
    private long ringFull;

    /** Starts the pool and connects one trigger to it. */
    @Setup(Level.Trial)
    public void start() {
        if (window >= WorkerPool.DEFAULT_RING_SIZE) {
            throw new IllegalArgumentException("window must be below the ring size " + WorkerPool.DEFAULT_RING_SIZE);
        }
        pool = new WorkerPool(new WorkerPoolSettings(
                "bench",
                NoOpFunction.NAME,
                numWorkers,
                WorkerPool.DEFAULT_RING_SIZE,
                Duration.ofSeconds(30),
                NoOpFunction::new,
                worker -> new FunctionLogger(NoOpFunction.NAME, worker),
                NucleonRingHandOff.class.getClassLoader(),
                SystemNanoClock.INSTANCE));
        pool.start(Duration.ofSeconds(10));
        dispatcher = pool.dispatcher("bench", "bench", Duration.ofSeconds(30), new SimpleMeterRegistry(), Tags.empty());
    }

    /** One event: wait for room in the window, then dispatch. */
    void handOff() {
        completed.awaitAtLeast(dispatched - window + 1);
        while (dispatcher.dispatch(FixedBodyAdapter.INSTANCE, BODY, completion) == null) {
            ringFull++; // the worker side still holds slots the trigger already let go of
            Thread.onSpinWait();
        }
        dispatched++;
    }

    /** Waits for the events in flight, then stops the workers. */
    @TearDown(Level.Trial)
    public void stop() {
        completed.awaitAtLeast(dispatched);
        pool.close();
        long handled = dispatcher.metrics().handledSuccess();
        if (handled != dispatched) {
            throw new IllegalStateException("dispatched " + dispatched + " events but " + handled + " succeeded");
        }
        if (ringFull > 0) {
            System.out.println("ring full " + ringFull + " times in " + dispatched + " dispatches");
        }
    }

    /** The trigger's side of an answered event: let go of the slot, then count. */
    private static final class ReleasingCompletion implements EventCompletion {
        private final CompletionCounter completed;

        ReleasingCompletion(CompletionCounter completed) {
            this.completed = completed;
        }

        @Override
        public void onComplete(EventSlot slot) {
            slot.release();
            completed.increment();
        }
    }
}
