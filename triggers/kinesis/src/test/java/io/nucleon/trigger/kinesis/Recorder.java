package io.nucleon.trigger.kinesis;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the test functions saw, per function name (each test uses its own), so tests can assert on order,
 * attempts, event fields, concurrency and batch shapes.
 */
final class Recorder {

    private static final Map<String, Recorder> BY_FUNCTION = new ConcurrentHashMap<>();

    /** One run of the function for one record, with the event's fields as the function saw them. */
    record Seen(
            String trigger,
            String shardId,
            String sequenceNumber,
            String partitionKey,
            String key,
            String value,
            String topic,
            int partition,
            long offset,
            long timestampMillis,
            boolean succeeded,
            String thread) {}

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    final Set<String> shardsRunning = ConcurrentHashMap.newKeySet();
    final AtomicInteger maxShardsAtOnce = new AtomicInteger();
    volatile long delayMillis;

    static Recorder of(String function) {
        return BY_FUNCTION.computeIfAbsent(function, name -> new Recorder());
    }

    /** @return whether this run of {@code value} should fail: values starting "poison" always, "flaky" once */
    boolean shouldFail(String value) {
        int attempt = attempts.computeIfAbsent(value, v -> new AtomicInteger()).incrementAndGet();
        return value.startsWith("poison") || (value.startsWith("flaky") && attempt == 1);
    }

    int attemptsOf(String value) {
        AtomicInteger count = attempts.get(value);
        return count == null ? 0 : count.get();
    }

    /** A worker begins a record of {@code shardId}; counts how many shards run at the same moment. */
    void enter(String shardId) {
        shardsRunning.add(shardId);
        maxShardsAtOnce.accumulateAndGet(shardsRunning.size(), Math::max);
    }

    void leave(String shardId) {
        shardsRunning.remove(shardId);
    }

    /** @return values handled successfully, in the order they were handled */
    List<String> succeededValues() {
        List<String> values = new ArrayList<>();
        for (Seen run : seen) {
            if (run.succeeded()) {
                values.add(run.value());
            }
        }
        return values;
    }

    /** @return successful runs of one shard, in the order they were handled */
    List<Seen> succeeded(String shardId) {
        List<Seen> runs = new ArrayList<>();
        for (Seen run : seen) {
            if (run.succeeded() && run.shardId().equals(shardId)) {
                runs.add(run);
            }
        }
        return runs;
    }

    /** @return sequence numbers of one shard's successful runs, as numbers, in the order they were handled */
    List<BigInteger> succeededSequenceNumbers(String shardId) {
        List<BigInteger> numbers = new ArrayList<>();
        for (Seen run : succeeded(shardId)) {
            numbers.add(new BigInteger(run.sequenceNumber()));
        }
        return numbers;
    }
}
