package io.nucleon.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nucleon.testing.kafka.KafkaBroker;
import io.nucleon.testing.kafka.KafkaBrokerExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The packaged processor with a {@code kafka-cluster} trigger, killed with SIGKILL mid-stream and
 * started again: at-least-once end to end. {@link AppendingFunction} writes one line per handled record
 * to a file that outlives the process, and the test compares that file with what it produced.
 *
 * <pre>
 *   producer -> topic (3 partitions) -> processor #1 --kill -9--> processor #2 --SIGTERM--> exit 0
 *                                            \                        /
 *                                             `-> output file <------'
 * </pre>
 *
 * <p>Each test keeps its function.yaml, output file and processor logs in {@code
 * target/kafka-crash-recovery-it/<test>}; a failing test prints the tail of each processor log.
 */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaCrashRecoveryIT {

    private static final Path TEST_CLASSES = Path.of("target/test-classes").toAbsolutePath();
    private static final Path RUNS = Path.of("target/kafka-crash-recovery-it").toAbsolutePath();
    private static final int PARTITIONS = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration HANDLED_TIMEOUT = Duration.ofSeconds(90);

    /**
     * What a crash may handle twice, per partition: what was finished since the last commit (commits
     * count the finished records of a run in flight too), at commitInterval 200 ms and ~1 record per ms
     * about 200 records, plus the record running at the kill; doubled, plus a few for timing headroom.
     */
    private static final int MAX_DUPLICATES = PARTITIONS * 528;

    private final List<ProcessorProcess> processors = new ArrayList<>();

    @RegisterExtension
    final TestWatcher printLogsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            ProcessorLogs.printTails(processors);
        }
    };

    private Path runDir;
    private Path outputFile;

    @BeforeEach
    void createRunDirectory(TestInfo test) throws IOException {
        runDir = RUNS.resolve(test.getTestMethod().orElseThrow().getName());
        ProcessorLogs.deleteRecursively(runDir);
        Files.createDirectories(runDir);
        outputFile = runDir.resolve("handled.txt");
    }

    @AfterEach
    void killLeftoverProcessors() throws InterruptedException {
        for (ProcessorProcess processor : processors) {
            processor.process.destroyForcibly();
            processor.process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldLoseNoRecordWhenTheProcessorIsKilledMidStream(KafkaBroker broker) throws Exception {
        String topic = "crash-recovery";
        String group = "crash-recovery-group";
        broker.createTopic(topic, PARTITIONS);
        Map<String, TopicPartitionOffset> produced = produce(broker, topic, 0, 6000);
        Path config = writeConfig(broker, topic, group);

        ProcessorProcess first = start(config);
        awaitLines(first, 1500);
        first.process.destroyForcibly(); // SIGKILL: no shutdown hook, no drain, no final commit
        assertThat(first.process.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .isTrue();
        assertThat(first.process.exitValue())
                .as("exit code of a SIGKILLed process")
                .isEqualTo(128 + 9);
        List<Line> beforeKill = readLines();
        Map<Integer, Long> committed = committedOffsets(broker, group, topic);
        assertThat(beforeKill.size())
                .as("lines handled when the processor was killed (must be mid-stream)")
                .isBetween(1500, 5999);
        assertCommittedOnlyHandledRecords(beforeKill, committed);

        ProcessorProcess second = start(config);
        List<Line> all = awaitDistinctValues(second, produced.size());

        assertThat(values(all)).containsExactlyInAnyOrderElementsOf(produced.keySet());
        assertEachLineIsTheRecordItNames(all, produced);
        List<Line> afterRestart = all.subList(beforeKill.size(), all.size());
        Map<Integer, Long> resumedAt = assertResumedWithoutAGap(beforeKill, committed, afterRestart, produced);
        int duplicates = all.size() - produced.size();
        System.out.printf(
                "KafkaCrashRecoveryIT: killed after %d lines; committed then %s; resumed at %s; %d duplicates"
                        + " (bound %d)%n",
                beforeKill.size(), committed, resumedAt, duplicates, MAX_DUPLICATES);
        assertThat(duplicates)
                .as("records handled twice: only those handled before the kill but not committed")
                .isEqualTo(beforeKill.size() - sum(resumedAt))
                .isLessThanOrEqualTo(MAX_DUPLICATES);

        assertStopsGracefully(second);
        assertThat(readLines()).as("lines after the graceful stop").hasSize(all.size());
    }

    @Test
    void shouldResumeFromCommittedOffsetsAfterGracefulStop(KafkaBroker broker) throws Exception {
        String topic = "graceful-resume";
        String group = "graceful-resume-group";
        broker.createTopic(topic, PARTITIONS);
        Map<String, TopicPartitionOffset> produced = produce(broker, topic, 0, 1000);
        Path config = writeConfig(broker, topic, group);

        ProcessorProcess first = start(config);
        assertThat(awaitDistinctValues(first, 1000)).hasSize(1000);
        assertStopsGracefully(first);
        assertThat(readLines()).as("lines after the first graceful stop").hasSize(1000);
        assertThat(committedOffsets(broker, group, topic))
                .as("a graceful stop commits everything it handled")
                .isEqualTo(endOffsets(produced));

        produced.putAll(produce(broker, topic, 1000, 500));
        ProcessorProcess second = start(config);
        List<Line> all = awaitDistinctValues(second, 1500);

        assertThat(all).as("every record handled exactly once").hasSize(1500);
        assertThat(values(all)).containsExactlyInAnyOrderElementsOf(produced.keySet());
        assertEachLineIsTheRecordItNames(all, produced);
        assertStopsGracefully(second);
        assertThat(readLines()).as("lines after the second graceful stop").hasSize(1500);
    }

    // ---- the processor ---------------------------------------------------------------------------------

    private ProcessorProcess start(Path config) throws IOException, InterruptedException {
        ProcessorProcess processor = ProcessorProcess.start(runDir, config, 0, "--classpath", TEST_CLASSES.toString());
        processors.add(processor);
        processor.awaitReady(READY_TIMEOUT);
        return processor;
    }

    private Path writeConfig(KafkaBroker broker, String topic, String group) throws IOException {
        return Files.writeString(
                runDir.resolve("function.yaml"), """
                metadata:
                  name: appender
                spec:
                  handler: io.nucleon.processor.AppendingFunction
                  env:
                    - name: OUTPUT_FILE
                      value: "%s"
                  triggers:
                    records:
                      kind: kafka-cluster
                      numWorkers: 3
                      attributes:
                        brokers: ["%s"]
                        topics: ["%s"]
                        consumerGroup: %s
                        initialOffset: earliest
                        commitInterval: 200ms
                        sessionTimeout: 6s
                        heartbeatInterval: 1s
                """.formatted(outputFile, broker.bootstrapServers(), topic, group));
    }

    private void assertStopsGracefully(ProcessorProcess processor) throws Exception {
        processor.process.destroy(); // SIGTERM
        assertThat(processor.process.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .as("exited within %s of SIGTERM", EXIT_TIMEOUT)
                .isTrue();
        assertThat(processor.process.exitValue()).as("exit code after SIGTERM").isZero();
    }

    private void awaitLines(ProcessorProcess processor, int count) {
        await("%d lines in %s".formatted(count, outputFile))
                .atMost(HANDLED_TIMEOUT)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> handledLines(processor).size() >= count);
    }

    private List<Line> awaitDistinctValues(ProcessorProcess processor, int count) {
        return await("%d distinct values in %s".formatted(count, outputFile))
                .atMost(HANDLED_TIMEOUT)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> handledLines(processor), lines -> values(lines).size() >= count);
    }

    /** The lines so far; fails at once, rather than at the deadline, if the processor has died. */
    private List<Line> handledLines(ProcessorProcess processor) throws IOException {
        if (!processor.process.isAlive()) {
            throw new AssertionError("processor exited with " + processor.process.exitValue());
        }
        return readLines();
    }

    // ---- the records -----------------------------------------------------------------------------------

    /** Where the broker put a record, by its value. */
    private record TopicPartitionOffset(int partition, long offset) {}

    /** One handled record, as {@link AppendingFunction} wrote it. */
    private record Line(int partition, long offset, String value) {}

    /** Sends {@code v<first>..v<first+count-1>} round-robin over the partitions and waits for every ack. */
    private static Map<String, TopicPartitionOffset> produce(KafkaBroker broker, String topic, int first, int count)
            throws Exception {
        Map<String, Future<RecordMetadata>> acks = new HashMap<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class))) {
            for (int i = first; i < first + count; i++) {
                String value = "v" + i;
                acks.put(value, producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, value)));
            }
            producer.flush();
        }
        Map<String, TopicPartitionOffset> produced = new HashMap<>();
        for (Map.Entry<String, Future<RecordMetadata>> ack : acks.entrySet()) {
            RecordMetadata metadata = ack.getValue().get(30, TimeUnit.SECONDS);
            produced.put(ack.getKey(), new TopicPartitionOffset(metadata.partition(), metadata.offset()));
        }
        return produced;
    }

    /** Complete lines only: the processor may be in the middle of appending one. */
    private List<Line> readLines() throws IOException {
        if (!Files.exists(outputFile)) {
            return List.of();
        }
        String text = new String(Files.readAllBytes(outputFile), StandardCharsets.UTF_8);
        List<Line> lines = new ArrayList<>();
        int start = 0;
        for (int end = text.indexOf('\n'); end >= 0; start = end + 1, end = text.indexOf('\n', start)) {
            String[] fields = text.substring(start, end).split(" ");
            if (fields.length != 3) {
                throw new AssertionError("malformed line " + lines.size() + " in " + outputFile + ": '"
                        + text.substring(start, end) + "'");
            }
            lines.add(new Line(Integer.parseInt(fields[0]), Long.parseLong(fields[1]), fields[2]));
        }
        return lines;
    }

    private static Set<String> values(List<Line> lines) {
        Set<String> values = new HashSet<>();
        lines.forEach(line -> values.add(line.value()));
        return values;
    }

    private static Map<Integer, Long> endOffsets(Map<String, TopicPartitionOffset> produced) {
        Map<Integer, Long> ends = new HashMap<>();
        produced.values().forEach(at -> ends.merge(at.partition(), at.offset() + 1, Math::max));
        return ends;
    }

    private static Map<Integer, Long> committedOffsets(KafkaBroker broker, String group, String topic)
            throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = broker.admin()
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        Map<Integer, Long> committed = new HashMap<>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            OffsetAndMetadata offset = offsets.get(new TopicPartition(topic, partition));
            committed.put(partition, offset == null ? 0 : offset.offset());
        }
        return committed;
    }

    // ---- the checks ------------------------------------------------------------------------------------

    private static void assertEachLineIsTheRecordItNames(List<Line> lines, Map<String, TopicPartitionOffset> produced) {
        for (Line line : lines) {
            assertThat(new TopicPartitionOffset(line.partition(), line.offset()))
                    .as("partition and offset of %s", line.value())
                    .isEqualTo(produced.get(line.value()));
        }
    }

    /**
     * Before the kill, each partition's records were handled once each, in offset order, and the trigger
     * had committed only offsets below records already handled.
     */
    private static void assertCommittedOnlyHandledRecords(List<Line> handled, Map<Integer, Long> committed) {
        for (int partition = 0; partition < PARTITIONS; partition++) {
            List<Long> offsets = offsetsOf(handled, partition);
            assertThat(offsets)
                    .as("offsets of partition %d handled before the kill", partition)
                    .containsExactlyElementsOf(range(0, offsets.size()));
            assertThat(committed.get(partition))
                    .as("committed offset of partition %d", partition)
                    .isLessThanOrEqualTo(offsets.size());
        }
    }

    /**
     * The restarted processor takes each partition up no later than where the first one stopped handling
     * it (no gap) and no earlier than the offset committed before the kill (a commit the killed process had
     * already sent may land after the test read the offsets, hence a range), then handles the rest once
     * each, in offset order.
     *
     * @return per partition, the offset the restarted processor began at
     */
    private static Map<Integer, Long> assertResumedWithoutAGap(
            List<Line> beforeKill,
            Map<Integer, Long> committed,
            List<Line> afterRestart,
            Map<String, TopicPartitionOffset> produced) {
        Map<Integer, Long> ends = endOffsets(produced);
        Map<Integer, Long> resumedAt = new HashMap<>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            long handledUpTo = offsetsOf(beforeKill, partition).size();
            List<Long> offsets = offsetsOf(afterRestart, partition);
            long resumed = offsets.isEmpty() ? ends.get(partition) : offsets.get(0);
            assertThat(resumed)
                    .as(
                            "offset partition %d resumed at (committed before: %d, handled before: up to %d)",
                            partition, committed.get(partition), handledUpTo)
                    .isBetween(committed.get(partition), handledUpTo);
            assertThat(offsets)
                    .as("offsets of partition %d handled after the restart", partition)
                    .containsExactlyElementsOf(range(resumed, ends.get(partition)));
            resumedAt.put(partition, resumed);
        }
        return resumedAt;
    }

    private static List<Long> range(long from, long to) {
        return LongStream.range(from, to).boxed().toList();
    }

    private static long sum(Map<Integer, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    private static List<Long> offsetsOf(List<Line> lines, int partition) {
        return lines.stream()
                .filter(line -> line.partition() == partition)
                .map(Line::offset)
                .toList();
    }
}
