package io.nucleon.benchmarks.kafka;

import io.nucleon.benchmarks.kafka.KafkaTriggerThroughput.Run;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The runs on one topic: printed as they finish, then summarised as medians and ratios to the baseline. */
final class Results {

    private static final int BASELINE = 0;

    private final int partitions;
    private final long records;
    private final ThroughputSettings settings;
    /** Measured (not warm-up) runs that passed, by numWorkers; {@link #BASELINE} for the plain consumer. */
    private final Map<Integer, List<Run>> measured = new LinkedHashMap<>();

    Results(int partitions, long records, ThroughputSettings settings) {
        this.partitions = partitions;
        this.records = records;
        this.settings = settings;
    }

    /** @return whether the run saw every record and committed offsets covering all of them */
    boolean add(int round, Run run) {
        long target = records;
        System.out.printf(
                Locale.ROOT,
                "%-6s %-22s %,12.0f %8.2f %10s %10s %,10d%n",
                round <= 0 ? "warm" : Integer.toString(round),
                run.consumer(),
                run.perSecond(target),
                run.nanos() / 1e9,
                cores(run, run.cpu().selfNanos()),
                cores(run, run.cpu().brokerNanos()),
                run.committed());
        System.out.printf(Locale.ROOT, "%-6s %s%n", "", run.stats());
        boolean passed = true;
        if (!run.reached()) {
            System.out.printf(
                    Locale.ROOT,
                    "FAILED: only %,d of %,d records within %d s%n",
                    run.records(),
                    target,
                    settings.runTimeoutSeconds());
            passed = false;
        } else if (run.committed() != target) {
            System.out.printf(
                    Locale.ROOT, "FAILED: committed offsets add up to %,d, not %,d%n", run.committed(), target);
            passed = false;
        } else if (run.bytes() < target * settings.valueBytes()) {
            System.out.printf(
                    Locale.ROOT,
                    "FAILED: %,d value bytes counted, expected at least %,d%n",
                    run.bytes(),
                    target * settings.valueBytes());
            passed = false;
        }
        if (passed && round > 0) {
            measured.computeIfAbsent(run.workers(), workers -> new ArrayList<>())
                    .add(run);
        }
        return passed;
    }

    void printSummary() {
        List<Run> baseline = measured.getOrDefault(BASELINE, List.of());
        if (baseline.isEmpty()) {
            System.out.println("no baseline run passed: no ratio");
            return;
        }
        double baselineMedian = median(baseline);
        System.out.printf(
                Locale.ROOT,
                "%nsummary, %d partition(s), %,d records of %d bytes, %d round(s):%n"
                        + "  plain KafkaConsumer, commitAsync per poll: median %,.0f records/s%n",
                partitions,
                records,
                settings.valueBytes(),
                baseline.size(),
                baselineMedian);
        for (Map.Entry<Integer, List<Run>> entry : measured.entrySet()) {
            if (entry.getKey() == BASELINE) {
                continue;
            }
            double median = median(entry.getValue());
            System.out.printf(
                    Locale.ROOT,
                    "  trigger, numWorkers %d: median %,.0f records/s, ratio trigger/plain %.2f (per round: %s)%n",
                    entry.getKey(),
                    median,
                    median / baselineMedian,
                    perRoundRatios(entry.getValue(), baseline));
        }
    }

    private String perRoundRatios(List<Run> trigger, List<Run> baseline) {
        List<String> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(trigger.size(), baseline.size()); i++) {
            double ratio = trigger.get(i).perSecond(records) / baseline.get(i).perSecond(records);
            ratios.add(String.format(Locale.ROOT, "%.2f", ratio));
        }
        return String.join(" ", ratios);
    }

    private double median(List<Run> runs) {
        double[] values = runs.stream()
                .mapToDouble(run -> run.perSecond(records))
                .sorted()
                .toArray();
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    /** CPU as cores busy on average while measuring, e.g. "1.35 cores". */
    private static String cores(Run run, long cpuNanos) {
        double cores = run.cores(cpuNanos);
        return cores < 0 ? "?" : String.format(Locale.ROOT, "%.2f cores", cores);
    }
}
