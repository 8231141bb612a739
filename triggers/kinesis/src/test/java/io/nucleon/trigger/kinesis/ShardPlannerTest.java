package io.nucleon.trigger.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.nucleon.trigger.kinesis.spi.ShardCheckpoint;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** Which shards of a listing the trigger reads and where each starts. */
class ShardPlannerTest {

    /** shardId-0 was split into 1 and 2; 3 is an unrelated open shard. */
    private static final List<Shard> SPLIT = List.of(
            shard(2, 0, null, false), shard(0, -1, null, true), shard(1, 0, null, false), shard(3, -1, null, false));

    private static final ShardPlanner ALL_LATEST = new ShardPlanner(Set.of(), ShardIteratorType.LATEST, "");
    private static final ShardPlanner ALL_TRIM_HORIZON = new ShardPlanner(Set.of(), ShardIteratorType.TRIM_HORIZON, "");

    @Test
    void shouldPutParentsBeforeTheirChildren() {
        List<Shard> merged = List.of(shard(9, 4, 2, false), shard(2, -1, null, true), shard(4, -1, null, true));

        assertThat(ShardPlanner.parentsFirst(merged)).extracting(Shard::shardId).containsExactly(id(2), id(4), id(9));
        assertThat(ShardPlanner.parentsFirst(SPLIT))
                .extracting(Shard::shardId)
                .containsExactly(id(0), id(1), id(2), id(3));
    }

    @Test
    void shouldReadEveryShardFromItsStartWithTrimHorizon() {
        List<ShardPlanner.Planned> plan = ALL_TRIM_HORIZON.plan(SPLIT, Map.of(), Map.of(), true);

        assertThat(plan).extracting(p -> p.shard().shardId()).containsExactly(id(0), id(1), id(2), id(3));
        assertThat(plan).allSatisfy(p -> {
            assertThat(p.read()).isTrue();
            assertThat(p.start()).isEqualTo(StartPosition.of(ShardIteratorType.TRIM_HORIZON));
        });
    }

    @Test
    void shouldSkipAClosedRootAndStartItsChildrenAtLatestWithLatest() {
        List<ShardPlanner.Planned> plan = ALL_LATEST.plan(SPLIT, Map.of(), Map.of(), true);

        assertThat(plan.get(0).read())
                .as("closed before the start: nothing latest to read")
                .isFalse();
        assertThat(plan.subList(1, 4)).allSatisfy(p -> {
            assertThat(p.read()).isTrue();
            assertThat(p.start()).isEqualTo(StartPosition.of(ShardIteratorType.LATEST));
        });
    }

    @Test
    void shouldStartChildrenOfAShardItReadsAtTrimHorizonEvenWithLatest() {
        // shardId-0 was open at the first listing; now it is split.
        List<ShardPlanner.Planned> plan = ALL_LATEST.plan(SPLIT, Map.of(id(0), true, id(3), true), Map.of(), false);

        assertThat(plan).extracting(p -> p.shard().shardId()).containsExactly(id(1), id(2));
        assertThat(plan)
                .allSatisfy(p -> assertThat(p.start()).isEqualTo(StartPosition.of(ShardIteratorType.TRIM_HORIZON)));
    }

    @Test
    void shouldResumeFromCheckpointsWhateverTheIteratorTypeSays() {
        Map<String, ShardCheckpoint> saved = Map.of(
                id(0), ShardCheckpoint.ended("10"),
                id(1), ShardCheckpoint.after("20"),
                id(3), ShardCheckpoint.startedAt(1_000_000));

        List<ShardPlanner.Planned> plan = ALL_LATEST.plan(SPLIT, Map.of(), saved, true);

        assertThat(plan.get(0).saved()).isEqualTo(ShardCheckpoint.ended("10"));
        assertThat(plan.get(0).start()).isNull();
        assertThat(plan.get(1).start()).isEqualTo(StartPosition.afterCheckpoint("20"));
        assertThat(plan.get(2).start())
                .as("no checkpoint, but its parent was read by this trigger before the restart")
                .isEqualTo(StartPosition.of(ShardIteratorType.TRIM_HORIZON));
        assertThat(plan.get(3).start())
                .as("begun at LATEST and nothing done yet: from then, less the clock allowance")
                .isEqualTo(StartPosition.atTimestamp(
                        Instant.ofEpochMilli(1_000_000).minus(ShardPlanner.CLOCK_SKEW_ALLOWANCE)));
    }

    @Test
    void shouldFollowTheNamedShardsIntoTheirDescendantsOnly() {
        ShardPlanner planner = new ShardPlanner(Set.of(id(0)), ShardIteratorType.TRIM_HORIZON, "");

        assertThat(planner.plan(SPLIT, Map.of(), Map.of(), true))
                .extracting(p -> p.shard().shardId())
                .containsExactly(id(0), id(1), id(2));
    }

    @Test
    void shouldStartTheNamedShardAtTheSequenceNumber() {
        ShardPlanner planner = new ShardPlanner(Set.of(id(3)), ShardIteratorType.AT_SEQUENCE_NUMBER, "777");

        List<ShardPlanner.Planned> plan = planner.plan(SPLIT, Map.of(), Map.of(), true);

        assertThat(plan).extracting(p -> p.shard().shardId()).containsExactly(id(3));
        assertThat(plan.get(0).start()).isEqualTo(StartPosition.atSequence("777"));
    }

    @Test
    void shouldStartAShardThatAppearsLaterAtTrimHorizon() {
        List<ShardPlanner.Planned> plan = ALL_LATEST.plan(
                List.of(shard(3, -1, null, false), shard(5, -1, null, false)), Map.of(id(3), true), Map.of(), false);

        assertThat(plan).extracting(p -> p.shard().shardId()).containsExactly(id(5));
        assertThat(plan.get(0).start()).isEqualTo(StartPosition.of(ShardIteratorType.TRIM_HORIZON));
    }

    private static String id(int index) {
        return KinesisFixture.shardId(index);
    }

    private static Shard shard(int index, int parent, Integer adjacentParent, boolean closed) {
        return Shard.builder()
                .shardId(id(index))
                .parentShardId(parent < 0 ? null : id(parent))
                .adjacentParentShardId(adjacentParent == null ? null : id(adjacentParent))
                .sequenceNumberRange(SequenceNumberRange.builder()
                        .startingSequenceNumber("1")
                        .endingSequenceNumber(closed ? "99" : null)
                        .build())
                .build();
    }
}
