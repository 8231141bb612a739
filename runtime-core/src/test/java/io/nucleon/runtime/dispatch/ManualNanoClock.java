package io.nucleon.runtime.dispatch;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.NanoClock;

/** A clock that moves only when the test says so, so timeouts are decided by the test, not by the scheduler. */
final class ManualNanoClock implements NanoClock {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }
}
