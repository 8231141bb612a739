package io.nucleon.runtime.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Retries, dead letters and counters when units end, driven on the test thread with a made-up clock
 * through units that timed out (their counts are the unit's own, no worker needed).
 */
class RecordOutcomesTest {

    private static final RetryPolicy RETRY = new RetryPolicy(2, 100, 1_000);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamRecordMetrics metrics =
            new StreamRecordMetrics(registry, Tags.of("trigger_id", "t"), "nucleon_test", "Records dead-lettered");
    private final Sink sink = new Sink();
    private final TestSource source = new TestSource();

    private RecordUnit<TestSource.Rec> timedOutRun(long now, int handled) {
        RecordUnit<TestSource.Rec> unit = source.nextUnit(now, null, 10);
        source.dispatched(unit, now);
        for (int i = 0; i < handled; i++) {
            unit.started(i);
            unit.handled(i);
        }
        unit.started(handled);
        unit.markTimedOut();
        source.unitFinished();
        return unit;
    }

    @Test
    void shouldRetryAfterBackoffThenDeadLetterOnceAttemptsAreUsedUp() {
        RecordOutcomes<TestSource.Rec> outcomes = outcomes(sink);
        source.fetch(0, 3, 0);
        outcomes.timedOutAndReleased(source, timedOutRun(0, 1), 0);

        assertThat(source.failed()).extracting(TestSource.Rec::offset).containsExactly(1L);
        assertThat(source.lastErrorClass()).isEqualTo("timeout");
        assertThat(source.retryDueNanos()).as("initialBackoff").isEqualTo(100);
        assertThat(count("handled")).isEqualTo(1);
        assertThat(count("failed")).isEqualTo(1);

        outcomes.timedOutAndReleased(source, timedOutRun(100, 0), 100);
        assertThat(source.failures()).isEqualTo(2);
        assertThat(source.nextUnit(100, null, 10))
                .as("dead letter due, no retry")
                .isNull();

        outcomes.sendDeadLettersIfDue(source, 100);
        assertThat(sink.sent).extracting(TestSource.Rec::offset).containsExactly(1L);
        assertThat(sink.attempts).isEqualTo(2);
        assertThat(source.busy()).isTrue();

        sink.answer.complete(null);
        outcomes.checkDeadLetters(source, 100);
        assertThat(source.failed()).isEmpty();
        assertThat(count("dead_lettered")).isEqualTo(1);
        assertThat(source.nextUnit(100, null, 10).records())
                .extracting(TestSource.Rec::offset)
                .containsExactly(2L);
    }

    @Test
    void shouldTryTheDeadLettersAgainAfterMaxBackoffAndSayWhyMeanwhile() {
        RecordOutcomes<TestSource.Rec> outcomes = outcomes(sink);
        source.fetch(0, 1, 0);
        outcomes.timedOutAndReleased(source, timedOutRun(0, 0), 0);
        outcomes.timedOutAndReleased(source, timedOutRun(100, 0), 100);
        outcomes.sendDeadLettersIfDue(source, 100);
        sink.answer.completeExceptionally(new IllegalStateException("away"));

        outcomes.checkDeadLetters(source, 100);
        assertThat(outcomes.problem()).isEqualTo("cannot send: java.lang.IllegalStateException: away");
        assertThat(source.failed()).hasSize(1);
        assertThat(source.deadLetterDue(1_099)).isFalse();
        assertThat(source.deadLetterDue(1_100)).isTrue();

        sink.answer = new CompletableFuture<>();
        outcomes.sendDeadLettersIfDue(source, 1_100);
        sink.answer.complete(null);
        outcomes.checkDeadLetters(source, 1_100);
        assertThat(outcomes.problem()).isNull();
        assertThat(source.holdsNothing()).isTrue();
    }

    @Test
    void shouldRetryAtMaxBackoffForeverWithoutADeadLetterSink() {
        RecordOutcomes<TestSource.Rec> outcomes = outcomes(null);
        source.fetch(0, 1, 0);
        outcomes.timedOutAndReleased(source, timedOutRun(0, 0), 0);
        outcomes.timedOutAndReleased(source, timedOutRun(100, 0), 100);
        outcomes.sendDeadLettersIfDue(source, 100);

        assertThat(source.retryDueNanos()).isEqualTo(1_100);
        assertThat(source.nextUnit(1_100, null, 10).isRetry()).isTrue();
    }

    private RecordOutcomes<TestSource.Rec> outcomes(DeadLetterSink<TestSource.Rec> deadLetters) {
        return new RecordOutcomes<>("t", RETRY, metrics, deadLetters, "deadLetterTopic", "partition");
    }

    private double count(String what) {
        return registry.get("nucleon_test_records_" + what).counter().count();
    }

    /** Answers each send with {@link #answer}, completed by the test. */
    private static final class Sink implements DeadLetterSink<TestSource.Rec> {

        final List<TestSource.Rec> sent = new ArrayList<>();
        int attempts;
        CompletableFuture<Void> answer = new CompletableFuture<>();

        @Override
        public CompletableFuture<Void> send(List<TestSource.Rec> records, String errorClass, String error, int n) {
            sent.addAll(records);
            attempts = n;
            return answer;
        }

        @Override
        public String destination() {
            return "dlq";
        }

        @Override
        public String describeFailure(Throwable failure) {
            return "cannot send: " + failure;
        }
    }
}
