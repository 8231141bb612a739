package io.nucleon.trigger.cron;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogThrottleTest {

    @Test
    void shouldLetOneLineThroughPerWindowAndCountTheRest() {
        LogThrottle throttle = new LogThrottle(60_000);

        assertThat(throttle.tryAcquire(1_000)).isZero();
        assertThat(throttle.tryAcquire(1_001)).isEqualTo(LogThrottle.HOLD);
        assertThat(throttle.tryAcquire(60_999)).isEqualTo(LogThrottle.HOLD);
        assertThat(throttle.tryAcquire(61_000)).isEqualTo(2);
        assertThat(throttle.tryAcquire(61_001)).isEqualTo(LogThrottle.HOLD);
    }
}
