package io.nucleon.benchmarks.kafka;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The per-record work both consumers do, and the clock of one measurement: count the record, add up its
 * value's size, and note the time (and CPU used so far) of the first and of the {@code target}-th
 * record. Static, because the processor builds its function instances itself; one measurement at a
 * time, {@link #reset} between them.
 */
public final class RecordSink {

    private static final AtomicLong COUNT = new AtomicLong();
    private static final LongAdder BYTES = new LongAdder();
    private static volatile long target = Long.MAX_VALUE;
    private static volatile CpuClock cpu = CpuClock.NONE;
    private static volatile CountDownLatch done = new CountDownLatch(1);
    private static volatile long firstNanos;
    private static volatile long lastNanos;
    private static volatile CpuClock.Reading firstCpu;
    private static volatile CpuClock.Reading lastCpu;

    private RecordSink() {}

    /**
     * Counts one record. Called by the function (worker threads) and by the baseline loop.
     *
     * @param valueBytes the size of the record's value
     */
    public static void record(int valueBytes) {
        BYTES.add(valueBytes);
        long n = COUNT.incrementAndGet();
        if (n == 1) {
            firstNanos = System.nanoTime();
            firstCpu = cpu.read();
        }
        if (n == target) {
            lastNanos = System.nanoTime();
            lastCpu = cpu.read();
            done.countDown();
        }
    }

    /** Starts a measurement that ends at the {@code records}-th record. */
    static void reset(long records, CpuClock clock) {
        COUNT.set(0);
        BYTES.reset();
        firstNanos = 0;
        lastNanos = 0;
        firstCpu = null;
        lastCpu = null;
        cpu = clock;
        done = new CountDownLatch(1);
        target = records;
    }

    /** @return whether the target was reached within {@code timeoutMs} */
    static boolean await(long timeoutMs) throws InterruptedException {
        return done.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    static boolean reached() {
        return done.getCount() == 0;
    }

    static long count() {
        return COUNT.get();
    }

    static long bytes() {
        return BYTES.sum();
    }

    /** @return nanoseconds from the first record to the target-th */
    static long elapsedNanos() {
        return lastNanos - firstNanos;
    }

    static CpuClock.Reading cpuUsed() {
        return lastCpu.minus(firstCpu);
    }
}
