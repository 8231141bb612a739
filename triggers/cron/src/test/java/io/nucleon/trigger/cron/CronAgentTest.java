package io.nucleon.trigger.cron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nucleon.trigger.cron.CronTriggerConfig.ConcurrencyPolicy;
import io.nucleon.trigger.cron.CronTriggerConfig.MissedTickPolicy;
import io.nucleon.trigger.cron.CronTriggerMetrics.MissedReason;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The scheduling rules, driven through {@code doWork()} on the test thread with a manual clock. */
class CronAgentTest {

    private static final long START = Instant.parse("2024-01-01T00:00:00.500Z").toEpochMilli();
    private static final TickSchedule EVERY_100_MS = new IntervalSchedule(100, "100ms");
    private static final TickSchedule EVERY_2_S = CronSchedule.parse("*/2 * * * * *", ZoneOffset.UTC);

    private final ManualEpochClock clock = new ManualEpochClock(START);
    private final RecordingSink sink = new RecordingSink(clock);
    private final CronTriggerMetrics metrics = new CronTriggerMetrics(new SimpleMeterRegistry(), Tags.empty());

    private CronAgent started(
            TickSchedule schedule, ConcurrencyPolicy concurrency, MissedTickPolicy missed, int workers) {
        CronTriggerConfig config = new CronTriggerConfig(schedule, concurrency, missed, CronEventTemplate.EMPTY);
        CronAgent agent = new CronAgent("nucleon-cron-test", config, workers, clock, sink, metrics);
        agent.onStart();
        return agent;
    }

    private CronAgent started(TickSchedule schedule) {
        return started(schedule, ConcurrencyPolicy.FORBID, MissedTickPolicy.FIRE_ONCE, 1);
    }

    /** Moves the clock in steps, running a duty cycle after each. */
    private static void run(CronAgent agent, ManualEpochClock clock, long millis, long step) {
        for (long moved = 0; moved < millis; moved += step) {
            clock.advance(step);
            agent.doWork();
        }
    }

    @Test
    void shouldFireOnceEveryInterval() {
        CronAgent agent = started(EVERY_100_MS);

        clock.advance(99);
        assertThat(agent.doWork()).isZero();
        clock.advance(1);
        assertThat(agent.doWork()).isEqualTo(1);
        assertThat(agent.doWork()).isZero();
        run(agent, clock, 400, 10);

        assertThat(sink.firedAtMillis).containsExactly(START + 100, START + 200, START + 300, START + 400, START + 500);
        assertThat(sink.sequences).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(sink.scheduledAtMillis)
                .as("the event's time is when the tick fell due")
                .containsExactly(START + 100, START + 200, START + 300, START + 400, START + 500);
        assertThat(metrics.firedCount()).isEqualTo(5);
        assertThat(metrics.missedCount(MissedReason.LATE)).isZero();
    }

    @Test
    void shouldFireOnTheCronSchedule() {
        CronAgent agent = started(EVERY_2_S);

        run(agent, clock, 9_500, 100); // to 00:00:10.000

        assertThat(sink.firedAtMillis)
                .containsExactly(
                        instant("00:00:02"),
                        instant("00:00:04"),
                        instant("00:00:06"),
                        instant("00:00:08"),
                        instant("00:00:10"));
    }

    @Test
    void shouldFireOnceForManyMissedTicks() {
        CronAgent agent = started(EVERY_100_MS);

        clock.advance(1_000); // ten ticks fell due while the agent could not look
        agent.doWork();

        assertThat(sink.fired()).isEqualTo(1);
        assertThat(metrics.missedCount(MissedReason.LATE)).isEqualTo(9);

        clock.advance(99);
        agent.doWork();
        assertThat(sink.fired()).as("the schedule goes on in step").isEqualTo(1);
        clock.advance(1);
        agent.doWork();
        assertThat(sink.firedAtMillis).containsExactly(START + 1_000, START + 1_100);
        assertThat(sink.scheduledAtMillis)
                .as("a fire-once carries the time of the first tick it stands for")
                .containsExactly(START + 100, START + 1_100);
    }

    @Test
    void shouldFireOnceForManyMissedCronTicks() {
        CronAgent agent = started(EVERY_2_S);

        clock.set(instant("00:00:21")); // 2 s, 4 s, ... 20 s passed
        agent.doWork();

        assertThat(sink.fired()).isEqualTo(1);
        assertThat(metrics.missedCount(MissedReason.LATE)).isEqualTo(9);
        run(agent, clock, 1_000, 100);
        assertThat(sink.firedAtMillis).containsExactly(instant("00:00:21"), instant("00:00:22"));
    }

    @Test
    void shouldFireNoneOfManyMissedTicksWithTheSkipPolicy() {
        CronAgent agent = started(EVERY_100_MS, ConcurrencyPolicy.FORBID, MissedTickPolicy.SKIP, 1);

        clock.advance(1_050);
        agent.doWork();
        assertThat(sink.fired()).isZero();
        assertThat(metrics.missedCount(MissedReason.LATE)).isEqualTo(10);

        run(agent, clock, 50, 10);
        assertThat(sink.firedAtMillis).containsExactly(START + 1_100);
    }

    @Test
    void shouldSkipATickWhileThePreviousOneIsInFlightWithForbid() {
        CronAgent agent = started(EVERY_100_MS);
        sink.holding = true;

        run(agent, clock, 300, 10); // ticks at 100 (fires, stays in flight), 200 and 300
        assertThat(sink.fired()).isEqualTo(1);
        assertThat(metrics.skippedCount()).isEqualTo(2);

        sink.completeOne();
        run(agent, clock, 50, 10);
        assertThat(sink.fired()).as("a skipped tick is not made up for").isEqualTo(1);
        run(agent, clock, 50, 10);
        assertThat(sink.firedAtMillis).containsExactly(START + 100, START + 400);
        assertThat(metrics.missedCount(MissedReason.BUSY)).isZero();
    }

    @Test
    void shouldOverlapTicksWithAllow() {
        CronAgent agent = started(EVERY_100_MS, ConcurrencyPolicy.ALLOW, MissedTickPolicy.FIRE_ONCE, 3);
        sink.holding = true;

        run(agent, clock, 300, 10);

        assertThat(sink.firedAtMillis).containsExactly(START + 100, START + 200, START + 300);
        assertThat(sink.inFlight()).isEqualTo(3);
        assertThat(metrics.skippedCount()).isZero();
    }

    @Test
    void shouldFireOnceAsSoonAsAWorkerIsFreeWithAllow() {
        CronAgent agent = started(EVERY_100_MS, ConcurrencyPolicy.ALLOW, MissedTickPolicy.FIRE_ONCE, 2);
        sink.holding = true;

        run(agent, clock, 500, 10); // 100 and 200 fire; 300 waits; 400 and 500 are merged into it
        assertThat(sink.fired()).isEqualTo(2);
        assertThat(metrics.missedCount(MissedReason.BUSY)).isEqualTo(2);
        assertThat(agent.millisUntilNextTick()).as("polls for a free worker").isEqualTo(1);

        clock.advance(3);
        sink.completeOne();
        agent.doWork();
        run(agent, clock, 90, 10);

        assertThat(sink.firedAtMillis).containsExactly(START + 100, START + 200, START + 503);
        assertThat(sink.sequences).containsExactly(0L, 1L, 2L);
    }

    @Test
    void shouldCountATickTheRingRefusedAsMissed() {
        CronAgent agent = started(EVERY_100_MS);
        sink.ringFull = true;

        run(agent, clock, 100, 10);
        assertThat(metrics.missedCount(MissedReason.RING_FULL)).isEqualTo(1);
        assertThat(metrics.firedCount()).isZero();

        sink.ringFull = false;
        run(agent, clock, 100, 10);
        assertThat(sink.sequences).as("a refused tick takes no sequence number").containsExactly(0L);
    }

    @Test
    void shouldStopFiringAfterStopAccepting() {
        CronAgent agent = started(EVERY_100_MS);
        run(agent, clock, 100, 10);

        agent.stopAccepting();
        run(agent, clock, 1_000, 10);

        assertThat(sink.fired()).isEqualTo(1);
        assertThat(agent.millisUntilNextTick()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldKeepTickingWhenTheWallClockStepsBack() {
        CronAgent agent = started(EVERY_100_MS);
        run(agent, clock, 150, 10); // fired at 100; next at 200

        clock.advance(-3_600_000); // an hour back
        run(agent, clock, 100, 10);

        assertThat(sink.fired())
                .as("fires within one interval of the new time, not an hour later")
                .isEqualTo(2);
        assertThat(metrics.missedCount(MissedReason.LATE)).isZero();
    }

    @Test
    void shouldTellTheIdleStrategyHowLongNothingIsDue() {
        CronAgent agent = started(EVERY_2_S);

        agent.doWork();
        assertThat(agent.millisUntilNextTick()).isEqualTo(1_500);
        clock.advance(1_499);
        agent.doWork();
        assertThat(agent.millisUntilNextTick()).isEqualTo(1);
    }

    @Test
    void shouldWaitBeforeTryingAgainAfterAnError() {
        CronAgent agent = started(EVERY_100_MS);
        sink.failing = true;
        clock.advance(100);

        assertThatThrownBy(agent::doWork).hasMessage("dispatcher failed");
        assertThat(agent.doWork()).as("no busy loop of failures").isZero();
        assertThat(agent.millisUntilNextTick()).isEqualTo(CronAgent.RETRY_AFTER_ERROR_MS);

        sink.failing = false;
        clock.advance(CronAgent.RETRY_AFTER_ERROR_MS);
        agent.doWork();
        assertThat(sink.firedAtMillis).containsExactly(START + 100 + CronAgent.RETRY_AFTER_ERROR_MS);
    }

    private static long instant(String time) {
        return Instant.parse("2024-01-01T" + time + "Z").toEpochMilli();
    }
}
