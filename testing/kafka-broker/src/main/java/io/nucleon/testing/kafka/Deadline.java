package io.nucleon.testing.kafka;

import java.time.Duration;

/** A point in monotonic time: every wait in this package is bounded by one. */
record Deadline(long nanos) {

    static Deadline after(Duration timeout) {
        return new Deadline(System.nanoTime() + timeout.toNanos());
    }

    boolean passed() {
        return System.nanoTime() - nanos >= 0;
    }

    long remainingMs() {
        return Math.max(0, Duration.ofNanos(nanos - System.nanoTime()).toMillis());
    }
}
