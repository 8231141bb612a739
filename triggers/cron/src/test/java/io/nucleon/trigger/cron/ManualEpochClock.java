package io.nucleon.trigger.cron;

import org.agrona.concurrent.EpochClock;

/** Wall-clock time that moves only when a test moves it. */
final class ManualEpochClock implements EpochClock {

    private long nowMillis;

    ManualEpochClock(long nowMillis) {
        this.nowMillis = nowMillis;
    }

    @Override
    public long time() {
        return nowMillis;
    }

    void advance(long millis) {
        nowMillis += millis;
    }

    void set(long millis) {
        nowMillis = millis;
    }
}
