package io.nucleon.trigger.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nucleon.runtime.Processor;
import io.nucleon.testing.functions.Recorder;
import io.nucleon.testing.functions.RecordingFunction;
import io.nucleon.testing.functions.StuckOnceFunction;
import io.nucleon.testing.kafka.KafkaBroker;
import io.nucleon.testing.kafka.KafkaBrokerExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A record that runs past spec.eventTimeout on a function that ignores the interrupt: its worker is
 * replaced, but nothing else of its partition runs until that stuck run has ended, so records never
 * overlap or overtake each other. A dead-letter topic that cannot take records holds up only the
 * partition that needs it.
 */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaTimeoutIT {

    private static final String STUCK = StuckOnceFunction.class.getName();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String FAST_RETRY = "        retry: {maxAttempts: 5, initialBackoff: 10ms, maxBackoff: 50ms}";

    private final KafkaBroker broker;

    KafkaTimeoutIT(KafkaBroker broker) {
        this.broker = broker;
    }

    @Test
    void shouldNotRunLaterRecordsOfThePartitionWhileATimedOutRecordStillRuns() {
        KafkaFixture kafka = new KafkaFixture(broker, "stuck", 1);
        kafka.eventTimeout = "500ms";
        kafka.produce(0, List.of("stuck-0", "v1", "v2"));
        try (Processor processor = kafka.start(STUCK, 2, "", FAST_RETRY)) {
            await().atMost(WAIT).until(() -> kafka.committed(0) == 3);
        }
        List<String> timeline = Recorder.of(kafka.function).timeline();
        assertThat(timeline.indexOf("end stuck-0#1"))
                .as("v1 starts only after the stuck run ended: %s", timeline)
                .isLessThan(timeline.indexOf("start v1#1"));
        assertThat(Recorder.of(kafka.function).attemptsOf("stuck-0"))
                .as("it succeeded, late: no second run")
                .isEqualTo(1);
    }

    @Test
    void shouldRetryARecordThatFailedAfterItsTimeoutOnlyOnceTheStuckRunEnded() {
        KafkaFixture kafka = new KafkaFixture(broker, "stuckfail", 1);
        kafka.eventTimeout = "500ms";
        kafka.produce(0, List.of("v0", "stuckfail-1", "v2"));
        try (Processor processor = kafka.start(STUCK, 2, "", FAST_RETRY)) {
            await().atMost(WAIT).until(() -> kafka.committed(0) == 3);
        }
        List<String> timeline = Recorder.of(kafka.function).timeline();
        assertThat(timeline)
                .as("one run at a time, in offset order")
                .containsSubsequence(
                        "start v0#1",
                        "end v0#1",
                        "start stuckfail-1#1",
                        "end stuckfail-1#1",
                        "start stuckfail-1#2",
                        "end stuckfail-1#2",
                        "start v2#1");
        assertThat(timeline).doesNotContain("start v2#2");
    }

    @Test
    void shouldKeepOtherPartitionsGoingWhileTheDeadLetterTopicRefusesRecords() {
        KafkaFixture kafka = new KafkaFixture(broker, "dlq-refused", 2);
        kafka.produce(0, List.of("poison-0", "a1"));
        kafka.produce(1, KafkaFixture.values("b", 50));
        Recorder recorder = Recorder.of(kafka.function);
        String attributes = "        retry: {maxAttempts: 1, initialBackoff: 10ms, maxBackoff: 200ms}\n"
                + "        deadLetterTopic: \"not a valid topic!\"";
        try (Processor processor = kafka.start(RecordingFunction.class.getName(), 2, "", attributes)) {
            await().atMost(WAIT).until(() -> kafka.committed(1) == 50);
            await().atMost(WAIT)
                    .until(() -> processor.trigger("orders").problem().isPresent());
            assertThat(processor.trigger("orders").problem().orElseThrow())
                    .contains("dead-letter topic 'not a valid topic!'");
            kafka.produce(1, KafkaFixture.values("late", 20));
            await().atMost(WAIT).until(() -> kafka.committed(1) == 70);
            assertThat(kafka.committed(0))
                    .as("never past the record that could not be dead-lettered")
                    .isLessThanOrEqualTo(0);
            assertThat(recorder.succeededValues()).doesNotContain("a1");
        }
    }
}
