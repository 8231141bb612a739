package io.nucleon.runtime.dispatch;

import io.nucleon.function.Function;
import io.nucleon.runtime.function.FunctionLogger;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The baseline: a plain {@link ArrayBlockingQueue} of the ring's capacity and worker threads blocked in
 * {@code take()}. Each worker owns a {@link NoOpFunction} and calls it with a preallocated {@link
 * FixedEvent}, then counts, as Nucleon's workers and completion do. What it leaves out is exactly what
 * the runtime adds: slot state, ids, timestamps, metrics, timeouts.
 */
@State(Scope.Thread)
public class BlockingQueueHandOff {

    /** Worker threads taking from the queue. */
    @Param({"1", "2"})
    public int numWorkers;

    /** Events in flight at most; below the queue capacity, so that {@code put} never blocks. */
    @Param({"256"})
    public int window;

    private static final FixedEvent EVENT = new FixedEvent(FixedBodyAdapter.body("hello"));

    private final CompletionCounter completed = new CompletionCounter();
    private BlockingQueue<FixedEvent> queue;
    private Thread[] workers;
    private long dispatched;

    /** Starts the workers; each initialises its function first, as a Nucleon worker does. */
    @Setup(Level.Trial)
    public void start() {
        queue = new ArrayBlockingQueue<>(WorkerPool.DEFAULT_RING_SIZE);
        workers = new Thread[numWorkers];
        for (int i = 0; i < numWorkers; i++) {
            workers[i] = Thread.ofPlatform()
                    .name("abq-worker-" + i)
                    .daemon(true)
                    .start(new QueueWorker(
                            queue,
                            completed,
                            new WorkerContext(
                                    new FunctionLogger(NoOpFunction.NAME, i),
                                    i,
                                    NoOpFunction.NAME,
                                    java.util.Map.of(),
                                    io.nucleon.runtime.state.FunctionServices.standalone(NoOpFunction.NAME))));
        }
    }

    /** One event: wait for room in the window, then put. */
    void handOff() {
        completed.awaitAtLeast(dispatched - window + 1);
        try {
            queue.put(EVENT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing off", e);
        }
        dispatched++;
    }

    /** Lets the events of the iteration complete, as the ring's side does. */
    @TearDown(Level.Iteration)
    public void drain() {
        completed.awaitAtLeast(dispatched);
    }

    /** Stops the workers. */
    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        for (Thread worker : workers) {
            worker.interrupt();
        }
        for (Thread worker : workers) {
            worker.join(5_000);
        }
    }

    /** Takes events, runs the function, counts; ends when interrupted. */
    private static final class QueueWorker implements Runnable {
        private final BlockingQueue<FixedEvent> queue;
        private final CompletionCounter completed;
        private final WorkerContext context;
        private final Function function = new NoOpFunction();

        QueueWorker(BlockingQueue<FixedEvent> queue, CompletionCounter completed, WorkerContext context) {
            this.queue = queue;
            this.completed = completed;
            this.context = context;
        }

        @Override
        public void run() {
            try {
                function.init(context);
                while (true) {
                    FixedEvent event = queue.take();
                    handle(event);
                    completed.increment();
                }
            } catch (InterruptedException e) {
                // stopped
            } catch (Exception e) {
                throw new IllegalStateException("function init failed", e);
            }
        }

        private void handle(FixedEvent event) {
            try {
                function.handle(context, event);
            } catch (Exception e) {
                // counted like an answered event, as Nucleon answers FUNCTION_ERROR
            }
        }
    }
}
