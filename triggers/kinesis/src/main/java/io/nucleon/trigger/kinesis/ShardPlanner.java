package io.nucleon.trigger.kinesis;

import io.nucleon.trigger.kinesis.spi.ShardCheckpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Decides, from a ListShards answer, which new shards the trigger reads and where each one starts. Pure
 * logic; the poll loop calls it after every listing.
 *
 * <p>Which shards: those named in {@code shards} (all when none is named) and, after resharding, their
 * descendants, so a split or merge never silently ends the trigger's work.
 *
 * <p>Where a new shard starts, first rule that applies:
 *
 * <ol>
 *   <li>it has a checkpoint: after the checkpoint's sequence number (a restart, whatever {@code
 *       iteratorType} says); at its start time for a shard begun at {@code LATEST} with nothing done yet;
 *       not at all when it has ended;
 *   <li>a parent of it is (or was) read by this trigger, or it appeared after the trigger's first listing:
 *       {@code TRIM_HORIZON}, so no record of a child shard is missed;
 *   <li>otherwise it is a root for this trigger and starts where {@code iteratorType} says; with {@code
 *       LATEST} a root that is already closed is skipped (it will never have a latest record).
 * </ol>
 */
final class ShardPlanner {

    /**
     * A restart of a shard begun at {@code LATEST} resumes this long before the recorded start, because
     * that time came from this machine's clock and Kinesis compares it with its own arrival times.
     */
    static final Duration CLOCK_SKEW_ALLOWANCE = Duration.ofSeconds(5);

    /**
     * A shard to track from now on.
     *
     * @param shard the shard as listed
     * @param read false when the trigger skips it
     * @param start where reading begins ({@code null} when not read or already ended)
     * @param saved its loaded checkpoint, or {@code null}
     */
    record Planned(Shard shard, boolean read, StartPosition start, ShardCheckpoint saved) {}

    private final Set<String> configured;
    private final ShardIteratorType iteratorType;
    private final String startingSequenceNumber;

    /**
     * @param configured the shard ids named in {@code shards}; empty for all
     * @param iteratorType where a root shard without a checkpoint starts
     * @param startingSequenceNumber for {@code AT_SEQUENCE_NUMBER}
     */
    ShardPlanner(Set<String> configured, ShardIteratorType iteratorType, String startingSequenceNumber) {
        this.configured = Set.copyOf(configured);
        this.iteratorType = iteratorType;
        this.startingSequenceNumber = startingSequenceNumber;
    }

    /**
     * @param listing the stream's shards, in any order
     * @param known the shards the trigger tracks already, by id (and whether it reads them)
     * @param saved the checkpoints loaded from the store
     * @param initial whether this is the trigger's first listing since it started
     * @return the shards to track from now on, parents before their children
     */
    List<Planned> plan(
            List<Shard> listing, Map<String, Boolean> known, Map<String, ShardCheckpoint> saved, boolean initial) {
        Map<String, Planned> planned = new LinkedHashMap<>();
        for (Shard shard : parentsFirst(listing)) {
            String id = shard.shardId();
            if (known.containsKey(id) || !owned(shard, known, planned)) {
                continue;
            }
            planned.put(id, decide(shard, known, planned, saved, initial));
        }
        return new ArrayList<>(planned.values());
    }

    private boolean owned(Shard shard, Map<String, Boolean> known, Map<String, Planned> planned) {
        return configured.isEmpty()
                || configured.contains(shard.shardId())
                || tracked(shard.parentShardId(), known, planned)
                || tracked(shard.adjacentParentShardId(), known, planned);
    }

    private static boolean tracked(String id, Map<String, Boolean> known, Map<String, Planned> planned) {
        return id != null && (known.containsKey(id) || planned.containsKey(id));
    }

    private Planned decide(
            Shard shard,
            Map<String, Boolean> known,
            Map<String, Planned> planned,
            Map<String, ShardCheckpoint> saved,
            boolean initial) {
        ShardCheckpoint checkpoint = saved.get(shard.shardId());
        if (checkpoint != null) {
            if (checkpoint.ended()) {
                return new Planned(shard, true, null, checkpoint);
            }
            StartPosition start = checkpoint.sequenceNumber() != null
                    ? StartPosition.afterCheckpoint(checkpoint.sequenceNumber())
                    : StartPosition.atTimestamp(
                            Instant.ofEpochMilli(checkpoint.startedAtMillis()).minus(CLOCK_SKEW_ALLOWANCE));
            return new Planned(shard, true, start, checkpoint);
        }
        if (!initial
                || parentRead(shard.parentShardId(), known, planned, saved)
                || parentRead(shard.adjacentParentShardId(), known, planned, saved)) {
            return new Planned(shard, true, StartPosition.of(ShardIteratorType.TRIM_HORIZON), null);
        }
        return switch (iteratorType) {
            case LATEST ->
                closed(shard)
                        ? new Planned(shard, false, null, null)
                        : new Planned(shard, true, StartPosition.of(ShardIteratorType.LATEST), null);
            case AT_SEQUENCE_NUMBER ->
                new Planned(
                        shard,
                        true,
                        configured.contains(shard.shardId())
                                ? StartPosition.atSequence(startingSequenceNumber)
                                : StartPosition.of(ShardIteratorType.TRIM_HORIZON),
                        null);
            default -> new Planned(shard, true, StartPosition.of(ShardIteratorType.TRIM_HORIZON), null);
        };
    }

    private static boolean parentRead(
            String id, Map<String, Boolean> known, Map<String, Planned> planned, Map<String, ShardCheckpoint> saved) {
        if (id == null) {
            return false;
        }
        if (known.containsKey(id)) {
            return known.get(id);
        }
        Planned parent = planned.get(id);
        return parent != null ? parent.read() : saved.containsKey(id);
    }

    static boolean closed(Shard shard) {
        return shard.sequenceNumberRange() != null
                && shard.sequenceNumberRange().endingSequenceNumber() != null;
    }

    /** Orders shards so that each comes after the parents listed with it (shard ids grow over time, mostly). */
    static List<Shard> parentsFirst(List<Shard> listing) {
        List<Shard> left = new ArrayList<>(listing);
        left.sort(Comparator.comparing(Shard::shardId));
        Map<String, Shard> byId = new LinkedHashMap<>();
        left.forEach(shard -> byId.put(shard.shardId(), shard));
        List<Shard> ordered = new ArrayList<>(left.size());
        Set<String> placed = new java.util.HashSet<>();
        while (!left.isEmpty()) {
            int before = left.size();
            for (var it = left.iterator(); it.hasNext(); ) {
                Shard shard = it.next();
                if (ready(shard.parentShardId(), byId, placed) && ready(shard.adjacentParentShardId(), byId, placed)) {
                    ordered.add(shard);
                    placed.add(shard.shardId());
                    it.remove();
                }
            }
            if (left.size() == before) {
                ordered.addAll(left); // a cycle cannot happen in Kinesis; never loop forever on bad input
                break;
            }
        }
        return ordered;
    }

    private static boolean ready(String parent, Map<String, Shard> byId, Set<String> placed) {
        return parent == null || !byId.containsKey(parent) || placed.contains(parent);
    }
}
