package io.nucleon.runtime.dispatch;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Events per second from one producer thread through a hand-off to N worker threads, each calling a
 * no-op {@link io.nucleon.function.Function}, with at most {@code window} events in flight:
 *
 * <pre>
 *                        +----------+      +-----------+
 *                  +---> | worker 0 | ---> | NoOp fn   | ---+
 * +----------+     |     +----------+      +-----------+    |
 * | producer | --> ring                                      +--> completions (counted)
 * | (JMH)    |     |     +----------+      +-----------+    |      ^
 * +----------+     +---> | worker 1 | ---> | NoOp fn   | ---+      |
 *      |                 +----------+      +-----------+           |
 *      +----------- waits while dispatched - completed >= window --+
 * </pre>
 *
 * <ul>
 *   <li>{@link #nucleonRing}: Nucleon's {@link WorkerPool} and {@link EventDispatcher}; the completion
 *       releases the trigger's hold on the slot and counts.
 *   <li>{@link #arrayBlockingQueue}: a plain {@link java.util.concurrent.ArrayBlockingQueue} of the same
 *       capacity, worker threads in {@code take()}, the same function, the same counting.
 * </ul>
 *
 * One operation is one event handed off; in steady state as many complete as are handed off. Run with
 * {@code -prof gc}: {@code gc.alloc.rate.norm} is the allocation per event across all threads.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
@Threads(1)
public class OneProducerToWorkersBenchmark {

    /**
     * Hands one event to Nucleon's ring, waiting first while the window is full.
     *
     * @param ring the running pool
     */
    @Benchmark
    public void nucleonRing(NucleonRingHandOff ring) {
        ring.handOff();
    }

    /**
     * Puts one event on the blocking queue, waiting first while the window is full.
     *
     * @param queue the running workers
     */
    @Benchmark
    public void arrayBlockingQueue(BlockingQueueHandOff queue) {
        queue.handOff();
    }
}
