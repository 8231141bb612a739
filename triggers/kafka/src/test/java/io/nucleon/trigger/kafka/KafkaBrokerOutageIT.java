package io.nucleon.trigger.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nucleon.runtime.Processor;
import io.nucleon.runtime.ProcessorState;
import io.nucleon.testing.functions.Recorder;
import io.nucleon.testing.functions.RecordingFunction;
import io.nucleon.testing.kafka.KafkaBroker;
import io.nucleon.testing.kafka.KafkaBrokerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The broker crashes (SIGKILL) under a running trigger and comes back on the same ports: the trigger
 * rides it out and goes on from where it was.
 *
 * <p>This kills the broker that {@link KafkaBrokerExtension} shares with every test class of this JVM.
 * JUnit runs the classes one after the other here, and the test restarts the broker in a {@code finally}
 * (the extension would also restart a dead one before the next class), so no other test sees the outage.
 */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaBrokerOutageIT {

    private static final String RUNS = RecordingFunction.class.getName();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TRIGGER = "orders-outage";

    private final KafkaBroker broker;

    KafkaBrokerOutageIT(KafkaBroker broker) {
        this.broker = broker;
    }

    @Test
    void shouldResumeAfterTheBrokerIsKilledAndRestarted() {
        KafkaFixture kafka = new KafkaFixture(broker, "outage", 1);
        Recorder recorder = Recorder.of(kafka.function);
        List<String> before = KafkaFixture.values("before", 200);
        List<String> after = KafkaFixture.values("after", 200);
        try (Processor processor = kafka.start(TRIGGER, KafkaTriggerFactory.KIND, RUNS, 1, "", "")) {
            kafka.produce(0, before);
            await().atMost(WAIT).until(() -> recorder.succeededValues().size() >= 200);
            await().atMost(WAIT).until(() -> kafka.committed(0) == 200);

            try {
                broker.kill();
            } finally {
                broker.restart();
            }

            assertThat(processor.state()).isEqualTo(ProcessorState.READY);
            assertThat(KafkaFixture.pollThreadAlive(TRIGGER))
                    .as("poll thread survived")
                    .isTrue();
            kafka.produce(0, after);
            await().atMost(WAIT).until(() -> recorder.succeededValues().size() >= 400);
            await().atMost(WAIT).until(() -> kafka.committed(0) == 400);
            assertThat(processor.state()).isEqualTo(ProcessorState.READY);
            assertThat(KafkaFixture.pollThreadAlive(TRIGGER))
                    .as("poll thread survived")
                    .isTrue();
        }
        List<String> all = new ArrayList<>(before);
        all.addAll(after);
        assertThat(recorder.succeededValues())
                .as("everything committed before the crash: nothing handled twice, nothing lost")
                .isEqualTo(all);
        assertThat(recorder.succeededOffsets(0))
                .isSorted()
                .doesNotHaveDuplicates()
                .hasSize(400);
    }
}
