package io.nucleon.benchmarks.rabbitmq;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The work both consumers do per message (count it, read its size) and the clock of a run: from the first
 * message handled to the last, so connection and processor start-up are left out of both.
 */
final class MessageCounter {

    private static final AtomicLong COUNT = new AtomicLong();
    private static final AtomicLong BYTES = new AtomicLong();
    private static volatile long expected;
    private static volatile long firstNanos;
    private static volatile long lastNanos;
    private static volatile CountDownLatch done = new CountDownLatch(1);

    private MessageCounter() {}

    static void reset(long messages) {
        COUNT.set(0);
        BYTES.set(0);
        expected = messages;
        done = new CountDownLatch(1);
    }

    static void record(int bodyBytes) {
        BYTES.addAndGet(bodyBytes);
        long count = COUNT.incrementAndGet();
        if (count == 1) {
            firstNanos = System.nanoTime();
        }
        if (count == expected) {
            lastNanos = System.nanoTime();
            done.countDown();
        }
    }

    /** @return messages per second between the first and the last message */
    static double awaitRate(long timeoutSeconds) throws InterruptedException {
        if (!done.await(timeoutSeconds, TimeUnit.SECONDS)) {
            throw new IllegalStateException(
                    "only " + COUNT.get() + " of " + expected + " messages handled in " + timeoutSeconds + " s");
        }
        return (expected - 1) / ((lastNanos - firstNanos) / 1e9);
    }
}
