package io.nucleon.trigger.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nucleon.runtime.Processor;
import io.nucleon.testing.brokers.Kinesalite;
import io.nucleon.testing.functions.Recorder;
import io.nucleon.testing.functions.RecordingFunction;
import io.nucleon.testing.functions.Run;
import java.math.BigInteger;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Resharding while records flow, against a real kinesalite: a split and a merge. A child shard's records
 * run only after every record of its parents; nothing is lost or repeated.
 */
@SuppressWarnings("try") // a processor runs for the block's length
class KinesisReshardIT {

    private static final String RUNS = RecordingFunction.class.getName();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String FAST_DISCOVERY = "        shardDiscoveryInterval: 100ms";
    private static final String HALF_OF_THE_HASH_RANGE = BigInteger.TWO.pow(127).toString();

    private static Kinesalite kinesalite;

    @BeforeAll
    static void startKinesalite() {
        kinesalite = Kinesalite.shared();
    }

    @Test
    void shouldReadTheParentToItsEndBeforeTheChildrenWhenAShardIsSplit() {
        try (KinesisFixture kinesis = new KinesisFixture(kinesalite, "split", 1)) {
            Recorder recorder = Recorder.of(kinesis.function);
            recorder.delayMillis(10); // the parent still has records to handle when the children are listed
            List<String> values = KinesisFixture.values("v", 300);
            try (Processor processor = kinesis.start(RUNS, 3, "", FAST_DISCOVERY)) {
                for (int i = 0; i < values.size(); i++) {
                    if (i == 150) {
                        kinesis.client.splitShard(request -> request.streamName(kinesis.stream)
                                .shardToSplit(KinesisFixture.shardId(0))
                                .newStartingHashKey(HALF_OF_THE_HASH_RANGE));
                        kinesis.awaitActive(kinesis.stream);
                    }
                    kinesis.put("key-" + i, values.get(i));
                }
                await().atMost(WAIT).until(() -> recorder.succeededValues().size() >= 300);
                await().atMost(WAIT).until(() -> kinesis.savedCheckpoints()
                        .getProperty(KinesisFixture.shardId(0), "")
                        .startsWith("ended:"));
                assertThat(processor
                                .registry()
                                .get("nucleon_kinesis_shards_ended")
                                .counter()
                                .count())
                        .isEqualTo(1);
            }
            assertThat(recorder.succeededValues()).hasSize(300);
            assertThat(new HashSet<>(recorder.succeededValues())).containsExactlyInAnyOrderElementsOf(values);
            assertParentsFirst(
                    recorder,
                    List.of(KinesisFixture.shardId(0)),
                    List.of(KinesisFixture.shardId(1), KinesisFixture.shardId(2)));
            String parentEnd = kinesis.savedCheckpoints().getProperty(KinesisFixture.shardId(0));
            List<Run> parent = ShardRuns.succeeded(recorder, KinesisFixture.shardId(0));
            assertThat(parentEnd)
                    .as("the parent's end is checkpointed with its last record")
                    .isEqualTo("ended:" + ShardRuns.sequenceNumber(parent.get(parent.size() - 1)));
        }
    }

    /** Merged before the processor starts: its first listing has both parents, closed, and the open child. */
    @Test
    void shouldReadBothParentsToTheirEndBeforeTheChildWhenTwoShardsAreMerged() {
        try (KinesisFixture kinesis = new KinesisFixture(kinesalite, "merge", 2)) {
            Recorder recorder = Recorder.of(kinesis.function);
            recorder.delayMillis(2);
            List<String> values = KinesisFixture.values("m", 200);
            for (int i = 0; i < values.size(); i++) {
                if (i == 100) {
                    kinesis.client.mergeShards(request -> request.streamName(kinesis.stream)
                            .shardToMerge(KinesisFixture.shardId(0))
                            .adjacentShardToMerge(KinesisFixture.shardId(1)));
                    kinesis.awaitActive(kinesis.stream);
                }
                kinesis.put("key-" + i, values.get(i));
            }
            try (Processor processor = kinesis.start(RUNS, 3, "", "")) {
                await().atMost(WAIT).until(() -> recorder.succeededValues().size() >= 200);
            }
            assertThat(recorder.succeededValues()).hasSize(200);
            assertThat(new HashSet<>(recorder.succeededValues())).containsExactlyInAnyOrderElementsOf(values);
            assertParentsFirst(
                    recorder,
                    List.of(KinesisFixture.shardId(0), KinesisFixture.shardId(1)),
                    List.of(KinesisFixture.shardId(2)));
        }
    }

    /** Every parent record ran before the first child record; each shard in sequence order. */
    private static void assertParentsFirst(Recorder recorder, List<String> parents, List<String> children) {
        List<Run> seen = recorder.seen();
        int lastParent = -1;
        int firstChild = Integer.MAX_VALUE;
        for (int i = 0; i < seen.size(); i++) {
            if (parents.contains(ShardRuns.shardId(seen.get(i)))) {
                lastParent = i;
            } else if (children.contains(ShardRuns.shardId(seen.get(i)))) {
                firstChild = Math.min(firstChild, i);
            }
        }
        for (String shard : parents) {
            assertThat(ShardRuns.succeeded(recorder, shard))
                    .as("records went to parent %s", shard)
                    .isNotEmpty();
            assertThat(ShardRuns.succeededSequenceNumbers(recorder, shard))
                    .isSorted()
                    .doesNotHaveDuplicates();
        }
        int childRecords = 0;
        for (String shard : children) {
            childRecords += ShardRuns.succeeded(recorder, shard).size();
            assertThat(ShardRuns.succeededSequenceNumbers(recorder, shard))
                    .isSorted()
                    .doesNotHaveDuplicates();
        }
        assertThat(childRecords).as("records went to the children").isPositive();
        assertThat(lastParent)
                .as("the parents' last record ran before the children's first")
                .isLessThan(firstChild);
    }
}
