package io.nucleon.trigger.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nucleon.runtime.Processor;
import io.nucleon.testing.brokers.Kinesalite;
import io.nucleon.testing.brokers.SharedBroker;
import io.nucleon.testing.functions.Recorder;
import io.nucleon.testing.functions.RecordingFunction;
import io.nucleon.testing.functions.Run;
import io.nucleon.trigger.kinesis.spi.ShardCheckpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * Checkpoints against a real kinesalite: a processor is closed mid-stream and a new one resumes after the
 * checkpoint, with the file store, the Redis store and a store of the user's own.
 */
@SuppressWarnings("try") // a processor runs for the block's length
class KinesisCheckpointIT {

    private static final String RUNS = RecordingFunction.class.getName();
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Small GetRecords, so that closing stops a shard mid-stream rather than after everything it fetched. */
    private static final String SMALL_READS = "        maxRecordsPerGet: 10\n";

    private static Kinesalite kinesalite;

    @BeforeAll
    static void startKinesalite() {
        kinesalite = Kinesalite.shared();
    }

    @Test
    void shouldResumeAfterTheFileCheckpointEvenWithIteratorTypeLatest() {
        try (KinesisFixture kinesis = new KinesisFixture(kinesalite, "file-resume", 2)) {
            resumesAfterTheCheckpoint(kinesis, SMALL_READS, SMALL_READS + "        iteratorType: LATEST");
            assertThat(kinesis.savedCheckpoints().getProperty(KinesisFixture.shardId(0)))
                    .startsWith("seq:");
            assertThat(kinesis.savedCheckpoints().getProperty(FileCheckpointStore.STREAM_KEY))
                    .isEqualTo(kinesis.stream);
        }
    }

    @Test
    void shouldResumeAfterTheRedisCheckpoint() {
        SharedBroker.REDIS.require();
        try (KinesisFixture kinesis = new KinesisFixture(kinesalite, "redis-resume", 2);
                RedisClient redis = RedisClient.create("127.0.0.1", 6379)) {
            String key = "nucleon:kinesis:" + kinesis.function + ":" + KinesisFixture.TRIGGER;
            redis.del(key);
            String store =
                    SMALL_READS + "        checkpoint: {store: redis, url: 'redis://127.0.0.1:6379', interval: 100ms}";
            try {
                resumesAfterTheCheckpoint(kinesis, store, store);
                Map<String, String> saved = redis.hgetAll(key);
                assertThat(saved).containsEntry("_stream", kinesis.stream);
                assertThat(saved.get(KinesisFixture.shardId(0))).startsWith("seq:");
                assertThat(saved.get(KinesisFixture.shardId(1))).startsWith("seq:");
                assertThat(kinesis.savedCheckpoints())
                        .as("no file store in use")
                        .isEmpty();
            } finally {
                redis.del(key);
            }
        }
    }

    /**
     * Two shards of 100 records; the first processor is closed after about 40 of them, 20 more per shard are
     * put while none runs, and a second processor must handle exactly the rest: nothing lost, nothing
     * twice (a clean close lets the runs in flight finish and checkpoints them).
     */
    private static void resumesAfterTheCheckpoint(KinesisFixture kinesis, String firstRun, String secondRun) {
        List<List<String>> expected = new ArrayList<>();
        for (int shard = 0; shard < 2; shard++) {
            expected.add(new ArrayList<>(KinesisFixture.values("s" + shard + "-", 100)));
            kinesis.putToShard(shard, expected.get(shard));
        }
        Recorder recorder = Recorder.of(kinesis.function);
        recorder.delayMillis(3);
        try (Processor processor = kinesis.start(RUNS, 2, "", firstRun)) {
            await().atMost(WAIT).until(() -> recorder.succeededValues().size() >= 40);
        }
        Set<String> firstValues = new HashSet<>(recorder.succeededValues());
        assertThat(firstValues.size()).as("closed mid-stream").isLessThan(200);
        recorder.delayMillis(0);
        for (int shard = 0; shard < 2; shard++) {
            List<String> more = KinesisFixture.values("t" + shard + "-", 20);
            kinesis.putToShard(shard, more);
            expected.get(shard).addAll(more);
        }
        try (Processor processor = kinesis.start(RUNS, 2, "", secondRun)) {
            await().atMost(WAIT).until(() -> recorder.succeededValues().size() >= 240);
        }
        for (int shard = 0; shard < 2; shard++) {
            assertThat(ShardRuns.succeeded(recorder, KinesisFixture.shardId(shard)))
                    .extracting(Run::value)
                    .as("shard %d over both runs: in order, nothing lost, nothing twice", shard)
                    .isEqualTo(expected.get(shard));
        }
    }

    @Test
    void shouldNotSkipRecordsPutWhileStoppedAfterALatestStartThatSawNone() {
        try (KinesisFixture kinesis = new KinesisFixture(kinesalite, "latest-resume", 1)) {
            kinesis.putToShard(0, List.of("old0", "old1"));
            Recorder recorder = Recorder.of(kinesis.function);
            String latest = "        iteratorType: LATEST";
            try (Processor processor = kinesis.start(RUNS, 1, "", latest)) {
                await().atMost(WAIT).until(() -> kinesis.savedCheckpoints()
                        .getProperty(KinesisFixture.shardId(0), "")
                        .startsWith("at:"));
            }
            assertThat(recorder.seen())
                    .as("LATEST: records from before the start are not read")
                    .isEmpty();
            List<String> whileStopped = KinesisFixture.values("new", 10);
            kinesis.putToShard(0, whileStopped);
            try (Processor processor = kinesis.start(RUNS, 1, "", latest)) {
                await().atMost(WAIT).until(() -> recorder.succeededValues().containsAll(whileStopped));
            }
            assertThat(recorder.succeededValues())
                    .as("in order, each once")
                    .containsSubsequence(whileStopped)
                    .doesNotHaveDuplicates();
        }
    }

    @Test
    void shouldUseACheckpointStoreNamedByClass() {
        try (KinesisFixture kinesis = new KinesisFixture(kinesalite, "custom-store", 1)) {
            String name = kinesis.stream;
            List<String> values = KinesisFixture.values("v", 5);
            var put = kinesis.putToShard(0, values);
            Recorder recorder = Recorder.of(kinesis.function);
            String store = "        checkpoint: {store: " + MemoryCheckpointStore.class.getName()
                    + ", interval: 50ms, options: {name: " + name + "}}";
            try (Processor processor = kinesis.start(RUNS, 1, "", store)) {
                await().atMost(WAIT).until(() -> recorder.succeededValues().size() == 5);
                await().atMost(WAIT)
                        .until(() -> ShardCheckpoint.after(put.get(4).sequenceNumber())
                                .equals(MemoryCheckpointStore.BY_NAME.get(name).get(KinesisFixture.shardId(0))));
            }
            assertThat(MemoryCheckpointStore.CONTEXTS.get(name))
                    .isEqualTo(new io.nucleon.trigger.kinesis.spi.CheckpointStore.Context(
                            kinesis.function, KinesisFixture.TRIGGER, kinesis.stream, Map.of("name", name)));
            assertThat(kinesis.savedCheckpoints()).as("no file store in use").isEmpty();
        }
    }
}
