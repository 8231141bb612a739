package io.nucleon.testing.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The behaviour rules the trigger tests rely on, without a processor. */
class RecorderTest {

    private final String function = "recorder-test-" + UUID.randomUUID();
    private final Recorder recorder = Recorder.of(function);

    @AfterEach
    void forget() {
        Thread.interrupted(); // a test below leaves the flag set on purpose
        Recorder.reset(function);
    }

    @Test
    void shouldFindTheSameRecorderByFunctionNameUntilReset() {
        assertThat(Recorder.of(function)).isSameAs(recorder);
        Recorder.reset(function);
        assertThat(Recorder.of(function)).isNotSameAs(recorder);
    }

    @Test
    void shouldFailPoisonAlwaysFlakyOnceAndFailNForItsFirstNRuns() {
        assertThat(recorder.shouldFail("poison-1", 1)).isTrue();
        assertThat(recorder.shouldFail("poison-1", 7)).isTrue();
        assertThat(recorder.shouldFail("flaky-1", 1)).isTrue();
        assertThat(recorder.shouldFail("flaky-1", 2)).isFalse();
        assertThat(recorder.shouldFail("fail2-x", 2)).isTrue();
        assertThat(recorder.shouldFail("fail2-x", 3)).isFalse();
        assertThat(recorder.shouldFail("fails-until-restart", 1))
                .as("no count: an ordinary value")
                .isFalse();
        assertThat(recorder.shouldFail("v1", 1)).isFalse();
    }

    @Test
    void shouldFailAValueOnlyWhileItIsInTheFailingSet() {
        recorder.failing().add("v1");
        assertThat(recorder.shouldFail("v1", 5)).isTrue();
        recorder.failing().clear();
        assertThat(recorder.shouldFail("v1", 6)).isFalse();
    }

    @Test
    void shouldCountAttemptsPerValue() {
        recorder.attempt("a");
        recorder.attempt("a");
        recorder.attempt("b");
        assertThat(recorder.attemptsOf("a")).isEqualTo(2);
        assertThat(recorder.attemptsOf("b")).isEqualTo(1);
        assertThat(recorder.attemptsOf("c")).isZero();
    }

    @Test
    void shouldEndAHangOnInterruptUnlessToldToHangThroughIt() throws InterruptedException {
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> recorder.hangIfAsked("hang-1", 1)).isInstanceOf(InterruptedException.class);

        Thread.currentThread().interrupt();
        recorder.hangThroughInterrupts(true).hangMillis(20).hangIfAsked("hang-1", 1);
    }

    @Test
    void shouldHangOnlyTheFirstRunUnlessToldEveryRun() throws InterruptedException {
        Thread.currentThread().interrupt(); // a hang would throw at once
        recorder.hangIfAsked("hang-1", 2);
        recorder.hangIfAsked("ok-1", 1);
        assertThatThrownBy(() -> recorder.hangOnEveryRun(true).hangIfAsked("hang-1", 2))
                .isInstanceOf(InterruptedException.class);
    }

    @Test
    void shouldNotHangOnceReleased() throws InterruptedException {
        recorder.hangOnEveryRun(true).release();
        Thread.currentThread().interrupt(); // a hang would throw at once
        recorder.hangIfAsked("hang-1", 1);
        recorder.hangIfAsked("hang-1", 2);
    }
}
