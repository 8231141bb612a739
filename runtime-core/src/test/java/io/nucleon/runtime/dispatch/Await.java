package io.nucleon.runtime.dispatch;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline; never a fixed sleep. */
final class Await {

    private Await() {}

    static void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what);
            }
            Thread.onSpinWait();
            LockSupport.parkNanos(100_000);
        }
    }

    static void await(BooleanSupplier condition, String what) {
        await(condition, Duration.ofSeconds(5), what);
    }
}
