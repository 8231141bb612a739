package io.nucleon.trigger.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nucleon.runtime.Processor;
import io.nucleon.testing.brokers.Kinesalite;
import io.nucleon.testing.functions.Recorder;
import io.nucleon.testing.functions.RecordingFunction;
import io.nucleon.testing.functions.StuckOnceFunction;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Records that run past spec.eventTimeout, on a function that ignores the interrupt: the shard waits for
 * the stuck run to end, so runs never overlap or overtake; a late success is done, a late failure retried
 * and dead-lettered, and another shard goes on while the dead-letter stream refuses records.
 */
@SuppressWarnings("try") // a processor runs for the block's length
class KinesisTimeoutIT {

    private static final String STUCK = StuckOnceFunction.class.getName();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String FAST_RETRY = "        retry: {maxAttempts: 5, initialBackoff: 10ms, maxBackoff: 50ms}";

    private static Kinesalite kinesalite;

    @BeforeAll
    static void startKinesalite() {
        kinesalite = Kinesalite.shared();
    }

    @Test
    void shouldNotRunLaterRecordsOfTheShardWhileATimedOutRecordStillRuns() {
        try (KinesisFixture kinesis = new KinesisFixture(kinesalite, "stuck", 1)) {
            kinesis.eventTimeout = "500ms";
            var put = kinesis.putToShard(0, List.of("v0", "stuckfail-1", "v2"));
            try (Processor processor = kinesis.start(STUCK, 2, "", FAST_RETRY)) {
                await().atMost(WAIT).until(() -> ("seq:" + put.get(2).sequenceNumber())
                        .equals(kinesis.savedCheckpoints().getProperty(KinesisFixture.shardId(0))));
            }
            assertThat(Recorder.of(kinesis.function).timeline())
                    .as("one run at a time, in sequence order")
                    .containsSubsequence(
                            "start v0#1",
                            "end v0#1",
                            "start stuckfail-1#1",
                            "end stuckfail-1#1",
                            "start stuckfail-1#2",
                            "end stuckfail-1#2",
                            "start v2#1")
                    .doesNotContain("start v2#2", "start v0#2");
        }
    }

    @Test
    void shouldCountALateSuccessAsDoneWithoutRunningItAgain() {
        try (KinesisFixture kinesis = new KinesisFixture(kinesalite, "late", 1)) {
            kinesis.eventTimeout = "500ms";
            var put = kinesis.putToShard(0, List.of("stuck-0", "v1"));
            try (Processor processor = kinesis.start(STUCK, 2, "", FAST_RETRY)) {
                await().atMost(WAIT).until(() -> ("seq:" + put.get(1).sequenceNumber())
                        .equals(kinesis.savedCheckpoints().getProperty(KinesisFixture.shardId(0))));
            }
            List<String> timeline = Recorder.of(kinesis.function).timeline();
            assertThat(timeline.indexOf("end stuck-0#1"))
                    .as("v1 starts only after the stuck run ended: %s", timeline)
                    .isLessThan(timeline.indexOf("start v1#1"));
            assertThat(Recorder.of(kinesis.function).attemptsOf("stuck-0"))
                    .as("no second run")
                    .isEqualTo(1);
        }
    }

    @Test
    void shouldKeepOtherShardsGoingWhileTheDeadLetterStreamRefusesRecords() {
        try (KinesisFixture kinesis = new KinesisFixture(kinesalite, "dlq-refused", 2)) {
            String deadLetters = kinesis.stream + "-dlq";
            kinesis.createStream(deadLetters, 1);
            kinesis.putToShard(0, List.of("poison-0", "a1"));
            kinesis.putToShard(1, KinesisFixture.values("b", 20));
            Recorder recorder = Recorder.of(kinesis.function);
            String attributes = "        retry: {maxAttempts: 1, initialBackoff: 10ms, maxBackoff: 200ms}\n"
                    + "        deadLetterStream: " + deadLetters;
            try (Processor processor = kinesis.start(RecordingFunction.class.getName(), 2, "", attributes)) {
                await().atMost(WAIT)
                        .until(() -> ShardRuns.succeeded(recorder, KinesisFixture.shardId(1))
                                        .size()
                                == 20);
                kinesis.client.deleteStream(request -> request.streamName(deadLetters));
                kinesis.putToShard(1, KinesisFixture.values("late", 10));
                // poison-0 may have been dead-lettered before the delete; put another one behind it.
                kinesis.putToShard(0, List.of("poison-2", "a3"));
                await().atMost(WAIT).until(() -> processor
                        .trigger(KinesisFixture.TRIGGER)
                        .problem()
                        .isPresent());
                assertThat(processor.trigger(KinesisFixture.TRIGGER).problem().orElseThrow())
                        .startsWith("cannot put to the dead-letter stream '" + deadLetters + "'");
                await().atMost(WAIT)
                        .until(() -> ShardRuns.succeeded(recorder, KinesisFixture.shardId(1))
                                        .size()
                                == 30);
                assertThat(recorder.succeededValues()).doesNotContain("a3");
            }
        }
    }
}
