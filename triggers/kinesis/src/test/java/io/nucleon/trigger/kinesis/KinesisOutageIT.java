package io.nucleon.trigger.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nucleon.runtime.Processor;
import io.nucleon.runtime.ProcessorState;
import io.nucleon.testing.brokers.Kinesalite;
import io.nucleon.testing.functions.Recorder;
import io.nucleon.testing.functions.RecordingFunction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The endpoint goes away and comes back on the same port (a kinesalite of the test's own, keeping its
 * streams on disk): the trigger reports the problem while it is away and goes on without a restart.
 */
@SuppressWarnings("try") // a processor runs for the block's length
class KinesisOutageIT {

    private static final String RUNS = RecordingFunction.class.getName();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void shouldReportTheOutageAndGoOnWhenTheEndpointComesBack() {
        try (Kinesalite own = Kinesalite.onDisk();
                KinesisFixture kinesis = new KinesisFixture(own, "outage", 1)) {
            Recorder recorder = Recorder.of(kinesis.function);
            List<String> before = KinesisFixture.values("before", 20);
            List<String> after = KinesisFixture.values("after", 20);
            try (Processor processor = kinesis.start(RUNS, 1, "", "")) {
                kinesis.putToShard(0, before);
                await().atMost(WAIT).until(() -> recorder.succeededValues().size() >= 20);

                own.stop();
                await().atMost(WAIT).until(() -> processor
                        .trigger(KinesisFixture.TRIGGER)
                        .problem()
                        .isPresent());
                assertThat(processor.trigger(KinesisFixture.TRIGGER).problem().orElseThrow())
                        .startsWith("cannot reach Kinesis at " + own.endpoint());
                assertThat(KinesisFixture.pollThreadAlive())
                        .as("poll thread survived")
                        .isTrue();

                own.start();
                await().atMost(WAIT).until(() -> processor
                        .trigger(KinesisFixture.TRIGGER)
                        .problem()
                        .isEmpty());
                kinesis.putToShard(0, after);
                await().atMost(WAIT).until(() -> recorder.succeededValues().size() >= 40);
                assertThat(processor.state()).isEqualTo(ProcessorState.READY);
                assertThat(processor
                                .registry()
                                .get("nucleon_kinesis_api_errors")
                                .counter()
                                .count())
                        .isPositive();
            }
            List<String> all = new ArrayList<>(before);
            all.addAll(after);
            assertThat(recorder.succeededValues())
                    .as("nothing lost, nothing twice")
                    .isEqualTo(all);
        }
    }

    @Test
    void shouldStartWhileTheEndpointIsAwayAndReadOnceItIsThere() {
        try (Kinesalite own = Kinesalite.onDisk();
                KinesisFixture kinesis = new KinesisFixture(own, "away-at-start", 1)) {
            Recorder recorder = Recorder.of(kinesis.function);
            kinesis.putToShard(0, List.of("r0", "r1"));
            own.stop();
            try (Processor processor = kinesis.start(RUNS, 1, "", "")) {
                assertThat(processor.trigger(KinesisFixture.TRIGGER).problem())
                        .as("started, with the endpoint as its problem")
                        .hasValueSatisfying(problem ->
                                assertThat(problem).startsWith("cannot check Kinesis stream '" + kinesis.stream + "'"));
                own.start();
                await().atMost(WAIT).until(() -> recorder.succeededValues().size() >= 2);
                await().atMost(WAIT).until(() -> processor
                        .trigger(KinesisFixture.TRIGGER)
                        .problem()
                        .isEmpty());
            }
            assertThat(recorder.succeededValues()).containsExactly("r0", "r1");
        }
    }
}
