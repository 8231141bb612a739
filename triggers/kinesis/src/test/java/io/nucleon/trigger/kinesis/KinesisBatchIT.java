package io.nucleon.trigger.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nucleon.runtime.Processor;
import io.nucleon.testing.brokers.Kinesalite;
import io.nucleon.testing.functions.Recorder;
import io.nucleon.testing.functions.RecordingBatchFunction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Micro-batches for a BatchFunction against a real kinesalite: size, timeout, partial failure. */
@SuppressWarnings("try") // a processor runs for the block's length
class KinesisBatchIT {

    private static final String BATCHES = RecordingBatchFunction.class.getName();
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static Kinesalite kinesalite;

    @BeforeAll
    static void startKinesalite() {
        kinesalite = Kinesalite.shared();
    }

    @Test
    void shouldHandBatchesOfAtMostBatchSizeAndRetryOnlyTheRecordThatFailed() {
        try (KinesisFixture kinesis = new KinesisFixture(kinesalite, "batch", 1)) {
            List<String> values = KinesisFixture.values("v", 35);
            values.set(7, "flaky-v7");
            var put = kinesis.putToShard(0, values);
            Recorder recorder = Recorder.of(kinesis.function);
            String batch = "      batch: {batchSize: 10, timeout: 50ms}";
            try (Processor processor = kinesis.start(BATCHES, 2, batch, "")) {
                await().atMost(WAIT).until(() -> recorder.succeededValues().size() >= 35);
                await().atMost(WAIT).until(() -> ("seq:" + put.get(34).sequenceNumber())
                        .equals(kinesis.savedCheckpoints().getProperty(KinesisFixture.shardId(0))));
            }
            assertThat(recorder.batchSizes())
                    .allSatisfy(size -> assertThat(size).isBetween(1, 10));
            assertThat(recorder.batchSizes().subList(0, 2))
                    .as("35 records fetched at once fill the first batch; the failed record is retried alone")
                    .containsExactly(10, 1);
            assertThat(recorder.attemptsOf("flaky-v7")).isEqualTo(2);
            List<String> expected = new ArrayList<>(values);
            expected.remove("flaky-v7");
            expected.add(9, "flaky-v7"); // its batch's other records were done; its retry comes before the next batch
            assertThat(recorder.succeededValues()).isEqualTo(expected);
        }
    }
}
