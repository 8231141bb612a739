package io.nucleon.runtime.dispatch;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nucleon.runtime.function.FunctionLogger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>After each iteration the producer waits for its events to complete. An event that does not complete
 * then never will (the function is a no-op): it is reported as lost on the console, and left out of the
 * window from then on, so that later iterations still run with {@code window} events in flight.
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
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final CompletionCounter completed = new CompletionCounter();
    private final EventCompletion completion = new ReleasingCompletion(completed);
    private WorkerPool pool;
    private EventDispatcher dispatcher;
    private long dispatched;
    private long lost;
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
        completed.awaitAtLeast(dispatched - lost - window + 1);
        if (dispatcher.dispatch(FixedBodyAdapter.INSTANCE, BODY, completion) == null) {
            retryWhileRingFull();
        }
        dispatched++;
    }

    /** The worker side may still hold slots that the trigger already let go of: rare, so not inlined. */
    private void retryWhileRingFull() {
        long since = System.nanoTime();
        do {
            ringFull++;
            Thread.yield();
            if (System.nanoTime() - since > CompletionCounter.STALL_NANOS) {
                throw new IllegalStateException("ring full for 10 s with " + (dispatched - completed.get())
                        + " events not completed: ring slots were lost");
            }
        } while (dispatcher.dispatch(FixedBodyAdapter.INSTANCE, BODY, completion) == null);
    }

    /** Lets the events of the iteration complete, and reports those that never will. */
    @TearDown(Level.Iteration)
    public void drain() {
        completed.awaitAtLeast(dispatched, DRAIN_NANOS);
        long missing = dispatched - completed.get();
        if (missing > lost) {
            System.out.printf(
                    "%n  LOST: %d events dispatched to the ring never completed (%d in all, numWorkers=%d)%n",
                    missing - lost, missing, numWorkers);
            lost = missing;
        }
    }

    /** Stops the workers and checks that the runtime counted what the completion saw. */
    @TearDown(Level.Trial)
    public void stop() {
        drain();
        pool.close();
        long handled = dispatcher.metrics().handledSuccess();
        if (handled != completed.get()) {
            throw new IllegalStateException("completed " + completed.get() + " events but " + handled + " succeeded");
        }
        if (ringFull > 0 || lost > 0) {
            System.out.printf(
                    "%n  %d dispatched, %d lost, ring full %d times (numWorkers=%d)%n",
                    dispatched, lost, ringFull, numWorkers);
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
