package io.nucleon.benchmarks.kafka;

import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.runtime.Processor;
import io.nucleon.runtime.ProcessorSettings;
import io.nucleon.testing.kafka.KafkaBroker;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka-trigger throughput against a plain {@code KafkaConsumer} poll loop, on the same broker and the
 * same topic in the same run:
 *
 * <pre>
 *  producer (before measuring) ---> broker, own JVM: topic bench-pP, N records, P partitions
 *                                        |                                   |
 *                                  fetch |                             fetch |
 *                                        v                                   v
 *   baseline: PlainConsumerLoop                   trigger: Processor (kafka-cluster, numWorkers W)
 *   poll -> RecordSink.record() per record        poll thread -> ring -> worker(s) -> CountingFunction
 *        -> commitAsync(offsets of the poll)            -> RecordSink.record(); completions -> commit
 * </pre>
 *
 * Each measurement reads the whole topic from the start in a new consumer group and runs from the first
 * record counted to the N-th; group join, processor start and shutdown are outside the clock. Rounds
 * alternate baseline and trigger (one run per worker count) so that drift on a shared machine hits both;
 * warm-up rounds come first and are left out. Every run's committed offsets are checked to add up to N.
 *
 * <p>Why not JMH: one measurement here consumes a finite topic end to end on threads JMH does not drive
 * (the consumer's poll thread, the workers), needs seconds of untimed set-up that depends on the run
 * (a new group, a new processor) and ends at the N-th record, not at the end of a time slice. JMH's
 * single-shot mode could wrap that, but would add only a harness around one long call, hide the
 * alternation of baseline and trigger, and leave out what matters on a small machine: the CPU used by
 * this JVM and by the broker's, which this class reports per run.
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *     io.nucleon.benchmarks.kafka.KafkaTriggerThroughput records=2000000 partitions=1,4 workers=1,2 rounds=3
 * </pre>
 *
 * See {@link ThroughputSettings} for the arguments. Exits with 1 if a run fails (too slow, or its
 * committed offsets do not cover every record).
 */
public final class KafkaTriggerThroughput {

    private static final String HANDLER = CountingFunction.class.getName();
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);
    private static final String FUNCTION = "kafka-bench";
    private static final String TRIGGER = "bench";
    /** The trigger names its consumer nucleon-FUNCTION-TRIGGER. */
    private static final String TRIGGER_CLIENT_ID = "nucleon-" + FUNCTION + "-" + TRIGGER;

    private KafkaTriggerThroughput() {}

    /**
     * Starts a broker, produces, measures and prints.
     *
     * @param args {@code key=value} settings, see {@link ThroughputSettings}
     * @throws Exception when the broker or a client fails
     */
    public static void main(String[] args) throws Exception {
        ThroughputSettings settings;
        try {
            settings = ThroughputSettings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("KafkaTriggerThroughput: " + e.getMessage());
            System.exit(2);
            return;
        }
        printSetup(settings);
        boolean allPassed = true;
        try (KafkaBroker broker = KafkaBroker.start()) {
            CpuClock cpu = CpuClock.ofThisJvmAndBroker();
            if (!cpu.seesBroker()) {
                System.out.println("(the broker's process was not found: its CPU time shows as '?')");
            }
            for (int i = 0; i < settings.partitions().size(); i++) {
                allPassed &= measureTopic(
                        broker, cpu, settings, settings.partitions().get(i), settings.recordsFor(i));
            }
        }
        if (!allPassed) {
            System.err.println("KafkaTriggerThroughput: some runs failed; see above");
            System.exit(1);
        }
    }

    private static void printSetup(ThroughputSettings settings) {
        System.out.printf(
                Locale.ROOT,
                "machine: %d CPUs, %s %s, %s %s; this JVM: %s%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"),
                System.getProperty("os.name"),
                System.getProperty("os.arch"),
                ManagementFactory.getRuntimeMXBean().getInputArguments());
        System.out.printf(Locale.ROOT, "settings: %s%n", settings);
    }

    private static boolean measureTopic(
            KafkaBroker broker, CpuClock cpu, ThroughputSettings settings, int partitions, long records)
            throws Exception {
        String topic = "bench-p" + partitions;
        broker.createTopic(topic, partitions);
        produce(broker.bootstrapServers(), topic, partitions, records, settings.valueBytes());
        System.out.printf(
                Locale.ROOT,
                "%n%-6s %-22s %12s %8s %10s %10s %10s%n",
                "round",
                "consumer",
                "records/s",
                "seconds",
                "this JVM",
                "broker",
                "committed");
        Results results = new Results(partitions, records, settings);
        boolean passed = true;
        for (int round = 1 - settings.warmupRounds(); round <= settings.rounds(); round++) {
            passed &= results.add(round, measurePlain(broker, cpu, settings, topic, records, round));
            for (int workers : settings.workers()) {
                passed &= results.add(round, measureTrigger(broker, cpu, settings, topic, records, round, workers));
            }
        }
        results.printSummary();
        return passed;
    }

    // ---- producing ------------------------------------------------------------------------------------

    private static void produce(String bootstrapServers, String topic, int partitions, long records, int valueBytes) {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ProducerConfig.ACKS_CONFIG, "1");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        properties.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        properties.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(128L * 1024 * 1024));
        properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        byte[] value = new byte[valueBytes];
        Arrays.fill(value, (byte) 'x');
        AtomicReference<Exception> failure = new AtomicReference<>();
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long i = 0; i < records && failure.get() == null; i++) {
                producer.send(new ProducerRecord<>(topic, (int) (i % partitions), null, value), (metadata, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    }
                });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("producing to " + topic + " failed: " + failure.get(), failure.get());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "%ntopic %s: %d partition(s), produced %,d records of %d bytes in %.1f s (%,.0f records/s)%n",
                topic,
                partitions,
                records,
                valueBytes,
                seconds,
                records / seconds);
    }

    // ---- measuring ------------------------------------------------------------------------------------

    private static Run measurePlain(
            KafkaBroker broker, CpuClock cpu, ThroughputSettings settings, String topic, long records, int round) {
        String group = group("plain", topic, round);
        RecordSink.reset(records, cpu);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.runTimeoutSeconds());
        ConsumerStats stats =
                PlainConsumerLoop.run(broker.bootstrapServers(), topic, group, settings.maxPollRecords(), deadline);
        return finished("plain KafkaConsumer", 0, committedTotal(broker, group), stats);
    }

    private static Run measureTrigger(
            KafkaBroker broker,
            CpuClock cpu,
            ThroughputSettings settings,
            String topic,
            long records,
            int round,
            int workers)
            throws InterruptedException {
        String group = group("trigger-w" + workers, topic, round);
        RecordSink.reset(records, cpu);
        ProcessorSettings processor = ProcessorSettings.defaults(
                        FunctionConfigLoader.parse(
                                functionYaml(broker, settings, topic, group, workers), "kafka-bench.yaml"),
                        List.of())
                .withAdmin("127.0.0.1", 0)
                .withDrainTimeout(DRAIN_TIMEOUT);
        ConsumerStats stats;
        try (Processor ignored = Processor.start(processor)) {
            RecordSink.await(TimeUnit.SECONDS.toMillis(settings.runTimeoutSeconds()));
            stats = ConsumerStats.read(TRIGGER_CLIENT_ID);
        }
        String name = "trigger, " + workers + (workers == 1 ? " worker" : " workers");
        return finished(name, workers, committedTotal(broker, group), stats);
    }

    private static String functionYaml(
            KafkaBroker broker, ThroughputSettings settings, String topic, String group, int workers) {
        String commitInterval =
                settings.commitInterval().isEmpty() ? "" : "commitInterval: " + settings.commitInterval();
        return """
                metadata:
                  name: %s
                spec:
                  handler: %s
                  triggers:
                    %s:
                      kind: kafka-cluster
                      numWorkers: %d
                      attributes:
                        brokers: [%s]
                        topics: [%s]
                        consumerGroup: %s
                        initialOffset: earliest
                        maxPollRecords: %d
                        %s
                """.formatted(
                        FUNCTION,
                        HANDLER,
                        TRIGGER,
                        workers,
                        broker.bootstrapServers(),
                        topic,
                        group,
                        settings.maxPollRecords(),
                        commitInterval);
    }

    private static String group(String consumer, String topic, int round) {
        return topic + "-" + consumer + "-r" + round + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Run finished(String consumer, int workers, long committed, ConsumerStats stats) {
        if (!RecordSink.reached()) {
            return Run.failed(consumer, workers, RecordSink.count(), committed, stats);
        }
        return new Run(
                consumer,
                workers,
                RecordSink.count(),
                RecordSink.bytes(),
                RecordSink.elapsedNanos(),
                RecordSink.cpuUsed(),
                committed,
                true,
                stats);
    }

    /** @return the sum of the group's committed offsets: N when every record was committed once done */
    private static long committedTotal(KafkaBroker broker, String group) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = broker.admin()
                    .listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            return offsets.values().stream()
                    .mapToLong(OffsetAndMetadata::offset)
                    .sum();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot read the committed offsets of group " + group + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * One measurement.
     *
     * @param consumer what consumed
     * @param workers the trigger's numWorkers, 0 for the baseline
     * @param records records counted (at least the target when passed)
     * @param bytes value bytes counted
     * @param nanos first record to the target-th
     * @param cpu CPU used meanwhile by this JVM and the broker's
     * @param committed sum of committed offsets after the run
     * @param reached whether the target was reached in time
     * @param stats the consumer's own metrics
     */
    record Run(
            String consumer,
            int workers,
            long records,
            long bytes,
            long nanos,
            CpuClock.Reading cpu,
            long committed,
            boolean reached,
            ConsumerStats stats) {

        static Run failed(String consumer, int workers, long records, long committed, ConsumerStats stats) {
            return new Run(consumer, workers, records, 0, 0, new CpuClock.Reading(0, -1), committed, false, stats);
        }

        double perSecond(long target) {
            return reached ? target / (nanos / 1e9) : 0;
        }

        /** @return CPU cores used on average from the first record to the last, or -1 when unknown */
        double cores(long cpuNanos) {
            return cpuNanos < 0 || nanos == 0 ? -1 : (double) cpuNanos / nanos;
        }
    }
}
