package io.nucleon.runtime.dispatch;

import static io.nucleon.runtime.dispatch.PoolHarness.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The watchdog driven on the test thread, with time moved by hand. */
class TimeoutWatchdogTest {

    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration AVAILABILITY_TIMEOUT = Duration.ofMillis(100);
    private static final Duration ONE_NANO = Duration.ofNanos(1);

    private PoolHarness harness;

    @AfterEach
    void closePool() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void shouldAnswerTimeoutForEventRunningPastEventTimeout() throws Exception {
        harness = new PoolHarness(1, 4, EVENT_TIMEOUT, Duration.ofHours(1));
        EventSlot stuck = harness.dispatch("block stuck");
        harness.functions.awaitStarted("block stuck");

        harness.clock.advance(EVENT_TIMEOUT);
        assertThat(harness.watchdog.doWork()).as("exactly at the timeout").isZero();
        assertThat(stuck.isResultReady()).isFalse();

        harness.clock.advance(ONE_NANO);
        assertThat(harness.watchdog.doWork()).isEqualTo(1);

        EventSlot answer = harness.nextAnswer();
        assertThat(answer).isSameAs(stuck);
        assertThat(answer.outcome()).isEqualTo(EventOutcome.TIMEOUT);
        assertThat(answer.response()).isNull();
        assertThat(answer.error()).isNull();
        assertThat(harness.dispatcher.metrics().handledFailure()).isEqualTo(1);
        assertThat(harness.counter("nucleon_processor_event_timeouts")).isEqualTo(1.0);
        assertThat(harness.counter("nucleon_worker_pool_workers_replaced")).isEqualTo(1.0);
        assertThat(harness.watchdog.doWork()).as("answered once only").isZero();
        answer.release();
    }

    @Test
    void shouldReplaceStuckWorkerAndCloseItsFunctionWhenItFinallyReturns() throws Exception {
        harness = new PoolHarness(1, 4, EVENT_TIMEOUT, Duration.ofHours(1));
        byte[] stuckBody = bytes("block stuck");
        harness.dispatch(stuckBody);
        harness.functions.awaitStarted("block stuck");
        harness.clock.advance(EVENT_TIMEOUT.plus(ONE_NANO));
        harness.watchdog.doWork();
        harness.nextAnswer().release();

        harness.dispatch("after the timeout");
        EventSlot next = harness.nextAnswer();

        assertThat(next.outcome()).isEqualTo(EventOutcome.SUCCESS);
        assertThat(next.response().headers()).containsEntry("X-Instance", "1");
        assertThat(harness.functions.instances).hasSize(2);
        next.release();
        ScriptedFunctions.Instance stuckInstance = harness.functions.instances.get(0);
        assertThat(stuckInstance.closes).hasValue(0);
        assertThat(harness.adapter.releases(stuckBody))
                .as("the stuck function still reads the event")
                .isZero();
        Await.await(() -> harness.functions.interruptsSeen() > 0, "stuck worker interrupted");

        harness.functions.openGate();

        Await.await(() -> stuckInstance.closes.get() == 1, "stuck instance closed");
        Await.await(() -> harness.adapter.releases(stuckBody) == 1, "stuck event released");
        harness.awaitIdle();
        assertThat(harness.answered).as("the late result is not answered again").isEmpty();
        assertThat(harness.functions.instances.get(1).closes).hasValue(0);
    }

    @Test
    void shouldNotTimeOutWorkerThatIsIdle() {
        harness = new PoolHarness(2, 4, EVENT_TIMEOUT, Duration.ofHours(1));

        harness.clock.advance(Duration.ofHours(2));

        assertThat(harness.watchdog.doWork()).isZero();
        assertThat(harness.functions.instances).hasSize(2);
    }

    @Test
    void shouldAnswerNoWorkerForEventQueuedPastAvailabilityTimeout() throws Exception {
        harness = new PoolHarness(1, 4, Duration.ofHours(1), AVAILABILITY_TIMEOUT);
        harness.dispatch("block running");
        harness.functions.awaitStarted("block running");
        byte[] waitingBody = bytes("waiting");
        EventSlot waiting = harness.dispatch(waitingBody);

        harness.clock.advance(AVAILABILITY_TIMEOUT);
        assertThat(harness.watchdog.doWork()).as("exactly at the timeout").isZero();
        harness.clock.advance(ONE_NANO);
        assertThat(harness.watchdog.doWork()).isEqualTo(1);

        EventSlot answer = harness.nextAnswer();
        assertThat(answer).isSameAs(waiting);
        assertThat(answer.outcome()).isEqualTo(EventOutcome.NO_WORKER);
        assertThat(answer.response()).isNull();
        assertThat(answer.error()).isNull();
        assertThat(harness.counter("nuclio_processor_worker_allocation", "result", "error_timeout"))
                .isEqualTo(1.0);
        assertThat(harness.dispatcher.metrics().handledFailure()).isZero();
        assertThat(harness.watchdog.doWork()).as("answered once only").isZero();
        answer.release();
        assertThat(harness.adapter.releases(waitingBody))
                .as("still in the ready queue")
                .isZero();

        harness.functions.openGate();
        EventSlot running = harness.nextAnswer();
        assertThat(running.outcome()).isEqualTo(EventOutcome.SUCCESS);
        running.release();

        Await.await(() -> harness.adapter.releases(waitingBody) == 1, "refused event released");
        harness.awaitIdle();
        assertThat(harness.functions.handled).as("the refused event never ran").containsExactly("block running");
        assertThat(harness.answered).isEmpty();
    }

    @Test
    void shouldAnswerNoWorkerWhenWorkerTakesEventAfterAvailabilityTimeout() throws Exception {
        harness = new PoolHarness(1, 4, Duration.ofHours(1), AVAILABILITY_TIMEOUT);
        harness.dispatch("block running");
        harness.functions.awaitStarted("block running");
        byte[] waitingBody = bytes("waiting");
        harness.dispatch(waitingBody);

        harness.clock.advance(AVAILABILITY_TIMEOUT.plus(ONE_NANO));
        harness.functions.openGate();

        EventSlot first = harness.nextAnswer();
        EventSlot second = harness.nextAnswer();
        assertThat(first.outcome()).isEqualTo(EventOutcome.SUCCESS);
        assertThat(second.outcome()).isEqualTo(EventOutcome.NO_WORKER);
        assertThat(second.attachment()).isSameAs(waitingBody);
        first.release();
        second.release();
        harness.awaitIdle();
        assertThat(harness.functions.handled).containsExactly("block running");
        assertThat(harness.adapter.releases(waitingBody)).isEqualTo(1);
    }

    @Test
    void shouldRunEventThatWaitedWithinAvailabilityTimeout() throws Exception {
        harness = new PoolHarness(1, 4, Duration.ofHours(1), AVAILABILITY_TIMEOUT);
        harness.dispatch("block running");
        harness.functions.awaitStarted("block running");
        harness.dispatch("waiting");

        harness.clock.advance(AVAILABILITY_TIMEOUT);
        assertThat(harness.watchdog.doWork()).isZero();
        harness.functions.openGate();

        harness.nextAnswer().release();
        EventSlot waited = harness.nextAnswer();
        assertThat(waited.outcome()).isEqualTo(EventOutcome.SUCCESS);
        waited.release();
    }

    @Test
    void shouldWatchEveryPoolItIsGiven() throws Exception {
        harness = new PoolHarness(1, 4, Duration.ofHours(1), AVAILABILITY_TIMEOUT);
        try (PoolHarness other = new PoolHarness(1, 4, Duration.ofHours(1), AVAILABILITY_TIMEOUT)) {
            ManualNanoClock clock = new ManualNanoClock();
            // the harnesses' clocks all start at the same reading; move this one in step with both
            TimeoutWatchdog watchdog = new TimeoutWatchdog(List.of(harness.pool, other.pool), clock);
            for (PoolHarness h : List.of(harness, other)) {
                h.dispatch("block running");
                h.functions.awaitStarted("block running");
                h.dispatch("waiting");
            }

            clock.advance(AVAILABILITY_TIMEOUT.plus(ONE_NANO));

            assertThat(watchdog.doWork()).isEqualTo(2);
            assertThat(harness.nextAnswer().outcome()).isEqualTo(EventOutcome.NO_WORKER);
            assertThat(other.nextAnswer().outcome()).isEqualTo(EventOutcome.NO_WORKER);
            assertThat(watchdog.roleName()).isEqualTo("nucleon-timeout-watchdog");
        }
    }
}
