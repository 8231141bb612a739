package io.nucleon.trigger.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nucleon.runtime.Processor;
import io.nucleon.testing.brokers.Kinesalite;
import io.nucleon.testing.functions.Recorder;
import io.nucleon.testing.functions.RecordingFunction;
import io.nucleon.testing.functions.Run;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.Record;

/** The kinesis trigger against a real kinesalite: event fields, order, retries and dead letters. */
@SuppressWarnings("try") // a processor runs for the block's length
class KinesisTriggerIT {

    private static final String RUNS = RecordingFunction.class.getName();
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static Kinesalite kinesalite;

    @BeforeAll
    static void startKinesalite() {
        kinesalite = Kinesalite.shared();
    }

    @Test
    void shouldHandTheFunctionBodyPartitionKeyShardAndSequenceNumber() {
        try (KinesisFixture kinesis = new KinesisFixture(kinesalite, "fields", 1)) {
            long before = System.currentTimeMillis();
            PutRecordResponse first = kinesis.put("customer-7", "hello");
            PutRecordResponse second = kinesis.put("customer-8", "{\"n\":2}");
            Recorder recorder = Recorder.of(kinesis.function);
            try (Processor processor = kinesis.start(RUNS, 1, "", "")) {
                await().atMost(WAIT).until(() -> recorder.succeededValues().size() >= 2);
            }
            List<Run> seen = ShardRuns.succeeded(recorder, KinesisFixture.shardId(0));
            assertThat(seen).hasSize(2);
            Run hello = seen.get(0);
            assertThat(hello.value()).isEqualTo("hello");
            assertThat(ShardRuns.partitionKey(hello)).isEqualTo("customer-7");
            assertThat(hello.key()).as("key() is the partition key").isEqualTo("customer-7");
            assertThat(ShardRuns.shardId(hello)).isEqualTo(first.shardId()).isEqualTo("shardId-000000000000");
            assertThat(ShardRuns.sequenceNumber(hello)).isEqualTo(first.sequenceNumber());
            assertThat(hello.topic()).isEqualTo(kinesis.stream);
            assertThat(hello.partition()).as("the shard's number").isZero();
            assertThat(hello.offset()).as("sequence numbers do not fit a long").isEqualTo(-1);
            assertThat(hello.timestampMillis())
                    .as("the approximate arrival time")
                    .isBetween(before - 2000, System.currentTimeMillis());
            assertThat(hello.trigger()).isEqualTo(KinesisFixture.TRIGGER);
            assertThat(seen.get(1).value()).isEqualTo("{\"n\":2}");
            assertThat(ShardRuns.sequenceNumber(seen.get(1))).isEqualTo(second.sequenceNumber());
        }
    }

    @Test
    void shouldKeepEachShardInOrderAndRunShardsAtTheSameTime() {
        try (KinesisFixture kinesis = new KinesisFixture(kinesalite, "order", 4)) {
            for (int shard = 0; shard < 4; shard++) {
                kinesis.putToShard(shard, KinesisFixture.values("s" + shard + "-", 100));
            }
            Recorder recorder = Recorder.of(kinesis.function);
            recorder.delayMillis(2);
            try (Processor processor = kinesis.start(RUNS, 4, "", "")) {
                await().atMost(WAIT).until(() -> recorder.succeededValues().size() >= 400);
            }
            for (int shard = 0; shard < 4; shard++) {
                assertThat(ShardRuns.succeeded(recorder, KinesisFixture.shardId(shard)))
                        .extracting(Run::value)
                        .as("shard %d in sequence order, each record once", shard)
                        .isEqualTo(KinesisFixture.values("s" + shard + "-", 100));
                assertThat(ShardRuns.succeededSequenceNumbers(recorder, KinesisFixture.shardId(shard)))
                        .isSorted()
                        .doesNotHaveDuplicates();
            }
            assertThat(recorder.maxPartitionsAtOnce())
                    .as("four workers run several shards at once")
                    .isGreaterThanOrEqualTo(2);
            assertThat(new HashSet<>(recorder.seen().stream().map(Run::thread).toList()))
                    .as("more than one worker took part")
                    .hasSizeGreaterThan(1);
        }
    }

    @Test
    void shouldRetryAFailingRecordThenPutItToTheDeadLetterStreamAndGoOn() {
        try (KinesisFixture kinesis = new KinesisFixture(kinesalite, "dlq", 1)) {
            String deadLetters = kinesis.stream + "-dlq";
            kinesis.createStream(deadLetters, 1);
            kinesis.putToShard(0, List.of("v0", "poison-v1", "flaky-v2", "v3"));
            Recorder recorder = Recorder.of(kinesis.function);
            String attributes = "        retry: {maxAttempts: 3, initialBackoff: 10ms, maxBackoff: 40ms}\n"
                    + "        deadLetterStream: " + deadLetters;
            try (Processor processor = kinesis.start(RUNS, 1, "", attributes)) {
                await().atMost(WAIT).until(() -> recorder.succeededValues().contains("v3"));
                assertThat(recorder.attemptsOf("poison-v1")).isEqualTo(3);
                assertThat(recorder.attemptsOf("flaky-v2")).isEqualTo(2);
                assertThat(recorder.succeededValues()).containsExactly("v0", "flaky-v2", "v3");
                String v3 = ShardRuns.sequenceNumber(
                        ShardRuns.succeeded(recorder, KinesisFixture.shardId(0)).get(2));
                await().atMost(WAIT).until(() -> ("seq:" + v3)
                        .equals(kinesis.savedCheckpoints().getProperty(KinesisFixture.shardId(0))));
                assertThat(processor
                                .registry()
                                .get("nucleon_kinesis_records_dead_lettered")
                                .counter()
                                .count())
                        .isEqualTo(1);
            }
            List<Record> dead = kinesis.readAll(deadLetters);
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).data().asString(StandardCharsets.UTF_8)).isEqualTo("poison-v1");
            assertThat(dead.get(0).partitionKey())
                    .as("the original partition key")
                    .isEqualTo("key-poison-v1");
        }
    }

    @Test
    void shouldHoldOnlyTheFailingShardWithoutADeadLetterStream() {
        try (KinesisFixture kinesis = new KinesisFixture(kinesalite, "poison", 2)) {
            List<String> blocked = new ArrayList<>(KinesisFixture.values("a", 5));
            blocked.add("poison-a5");
            blocked.addAll(KinesisFixture.values("after", 4));
            List<PutRecordResponse> put = kinesis.putToShard(0, blocked);
            kinesis.putToShard(1, KinesisFixture.values("b", 50));
            Recorder recorder = Recorder.of(kinesis.function);
            String retry = "        retry: {maxAttempts: 2, initialBackoff: 10ms, maxBackoff: 50ms}";
            try (Processor processor = kinesis.start(RUNS, 2, "", retry)) {
                await().atMost(WAIT)
                        .until(() -> ShardRuns.succeeded(recorder, KinesisFixture.shardId(1))
                                        .size()
                                == 50);
                await().atMost(WAIT).until(() -> recorder.attemptsOf("poison-a5") >= 5);
                String a4 = put.get(4).sequenceNumber();
                await().atMost(WAIT).until(() -> ("seq:" + a4)
                        .equals(kinesis.savedCheckpoints().getProperty(KinesisFixture.shardId(0))));
                assertThat(ShardRuns.succeeded(recorder, KinesisFixture.shardId(0)))
                        .extracting(Run::value)
                        .containsExactly("a0", "a1", "a2", "a3", "a4");
                assertThat(recorder.succeededValues()).doesNotContain("after0");
                assertThat(processor.trigger(KinesisFixture.TRIGGER).problem())
                        .as("a failing record is the function's business, not the trigger's")
                        .isEmpty();
            }
            assertThat(new BigInteger(kinesis.savedCheckpoints()
                            .getProperty(KinesisFixture.shardId(0))
                            .substring(4)))
                    .as("never checkpointed past the failed record, also not on shutdown")
                    .isEqualTo(new BigInteger(put.get(4).sequenceNumber()));
        }
    }

    @Test
    void shouldNotStartWhenTheStreamOrTheDeadLetterStreamDoesNotExist() {
        try (KinesisFixture kinesis = new KinesisFixture(kinesalite, "missing", 1)) {
            assertThatThrownBy(() -> kinesis.start("no-such-stream", RUNS, 1, "", ""))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("trigger '" + KinesisFixture.TRIGGER + "'")
                    .hasMessageContaining("Kinesis stream 'no-such-stream' does not exist in region us-east-1 at "
                            + kinesalite.endpoint());
            assertThatThrownBy(() -> kinesis.start(RUNS, 1, "", "        deadLetterStream: no-such-dlq"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("deadLetterStream 'no-such-dlq' does not exist");
            assertThat(KinesisFixture.pollThreadAlive()).isFalse();
        }
    }
}
