package io.nucleon.benchmarks.kafka;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link KafkaTriggerThroughput} measures, from {@code key=value} arguments (defaults in brackets):
 *
 * <ul>
 *   <li>{@code records} [2000000]: records produced per topic, and consumed by every measurement; one
 *       count for every topic, or one per entry of {@code partitions} (more partitions go faster);
 *   <li>{@code valueBytes} [100]: size of each record's value (no key);
 *   <li>{@code partitions} [1,4]: one topic per partition count, each measured in turn;
 *   <li>{@code workers} [1,2]: the trigger's {@code numWorkers}, each measured every round;
 *   <li>{@code rounds} [3]: measured rounds; a round is the baseline, then the trigger per worker count;
 *   <li>{@code warmupRounds} [1]: rounds run first and left out of the results (JIT, page cache);
 *   <li>{@code maxPollRecords} [500, the trigger's default]: for both consumers;
 *   <li>{@code commitInterval} [the trigger's default, 1s]: the trigger's {@code commitInterval};
 *   <li>{@code runTimeoutSeconds} [180]: a measurement that has not seen every record by then fails.
 * </ul>
 */
record ThroughputSettings(
        List<Long> records,
        int valueBytes,
        List<Integer> partitions,
        List<Integer> workers,
        int rounds,
        int warmupRounds,
        int maxPollRecords,
        String commitInterval,
        int runTimeoutSeconds) {

    private static final List<String> KEYS = List.of(
            "records",
            "valueBytes",
            "partitions",
            "workers",
            "rounds",
            "warmupRounds",
            "maxPollRecords",
            "commitInterval",
            "runTimeoutSeconds");

    static ThroughputSettings parse(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (equals <= 0 || !KEYS.contains(arg.substring(0, equals))) {
                throw new IllegalArgumentException(
                        "unknown argument '" + arg + "'; expected key=value with a key among " + KEYS);
            }
            values.put(arg.substring(0, equals), arg.substring(equals + 1).trim());
        }
        List<Integer> partitions = list(values, "partitions", "1,4", 1, 64);
        List<Long> records = list(values, "records", "2000000", 1, Integer.MAX_VALUE).stream()
                .map(Integer::longValue)
                .toList();
        if (records.size() != 1 && records.size() != partitions.size()) {
            throw new IllegalArgumentException(
                    "records must be one count, or one per entry of partitions " + partitions + "; got " + records);
        }
        return new ThroughputSettings(
                records,
                (int) number(values, "valueBytes", 100, 0, 1_000_000),
                partitions,
                list(values, "workers", "1,2", 1, 64),
                (int) number(values, "rounds", 3, 1, 20),
                (int) number(values, "warmupRounds", 1, 0, 20),
                (int) number(values, "maxPollRecords", 500, 1, 100_000),
                values.getOrDefault("commitInterval", ""),
                (int) number(values, "runTimeoutSeconds", 180, 1, 3600));
    }

    /** @return the records to produce and consume on the topic of {@code partitions().get(index)} */
    long recordsFor(int index) {
        return records.size() == 1 ? records.get(0) : records.get(index);
    }

    private static long number(Map<String, String> values, String key, long defaultValue, long min, long max) {
        String text = values.get(key);
        if (text == null || text.isEmpty()) {
            return defaultValue;
        }
        long value;
        try {
            value = Long.parseLong(text.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + text + "'");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be " + min + "-" + max + ", got " + value);
        }
        return value;
    }

    private static List<Integer> list(Map<String, String> values, String key, String defaultValue, int min, int max) {
        String text = values.getOrDefault(key, defaultValue);
        List<Integer> list = Arrays.stream(text.split(","))
                .map(String::trim)
                .filter(item -> !item.isEmpty())
                .map(item -> (int) number(Map.of(key, item), key, 0, min, max))
                .toList();
        if (list.isEmpty()) {
            throw new IllegalArgumentException(
                    key + " must list at least one number, e.g. " + key + "=" + defaultValue);
        }
        return list;
    }
}
