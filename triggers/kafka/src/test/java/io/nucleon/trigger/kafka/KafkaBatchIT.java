package io.nucleon.trigger.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nucleon.runtime.Processor;
import io.nucleon.testing.functions.Recorder;
import io.nucleon.testing.functions.RecordingBatchFunction;
import io.nucleon.testing.kafka.KafkaBroker;
import io.nucleon.testing.kafka.KafkaBrokerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Micro-batches for a BatchFunction against a real broker: size, timeout, partial failure and dead letters. */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaBatchIT {

    private static final String BATCHES = RecordingBatchFunction.class.getName();
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final KafkaBroker broker;

    KafkaBatchIT(KafkaBroker broker) {
        this.broker = broker;
    }

    @Test
    void shouldHandBatchesOfAtMostBatchSizeInOffsetOrder() {
        KafkaFixture kafka = new KafkaFixture(broker, "batch-size", 1);
        kafka.produce(0, KafkaFixture.values("v", 95));
        Recorder recorder = Recorder.of(kafka.function);
        String batch = "      batch: {batchSize: 10, timeout: 2s}";
        try (Processor processor = kafka.start(BATCHES, 2, batch, "")) {
            await().atMost(WAIT).until(() -> recorder.succeededValues().size() >= 95);
            await().atMost(WAIT).until(() -> kafka.committed(0) == 95);
        }
        assertThat(recorder.batchSizes()).allSatisfy(size -> assertThat(size).isBetween(1, 10));
        assertThat(recorder.batchSizes().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(95);
        assertThat(recorder.batchSizes().stream().filter(size -> size == 10).count())
                .as("95 records fetched at once fill nine batches; only the last 5 wait for the timeout")
                .isGreaterThanOrEqualTo(9);
        assertThat(recorder.succeededOffsets(0))
                .as("one partition: batches in offset order, each record once")
                .isSorted()
                .doesNotHaveDuplicates()
                .hasSize(95);
        assertThat(recorder.succeededValues()).isEqualTo(KafkaFixture.values("v", 95));
    }

    /** Also the {@code kafka} alias of {@code kafka-cluster}: the processor finds the factory by it. */
    @Test
    void shouldHandAPartialBatchWhenTheTimeoutPassesUsingTheKafkaAlias() {
        KafkaFixture kafka = new KafkaFixture(broker, "batch-timeout", 1);
        Recorder recorder = Recorder.of(kafka.function);
        String batch = "      batch: {batchSize: 100, timeout: 300ms}";
        try (Processor processor = kafka.start("orders", "kafka", BATCHES, 1, batch, "")) {
            assertThat(processor.trigger("orders").kind()).isEqualTo(KafkaTriggerFactory.KIND);
            await().atMost(WAIT).until(() -> KafkaFixture.ownedPartitions(processor) == 1);

            long sentNanos = System.nanoTime(); // the trigger cannot fetch a record before it is sent
            kafka.produce(0, KafkaFixture.values("t", 7));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> !recorder.batches().isEmpty());
            await().atMost(WAIT).until(() -> kafka.committed(0) == 7);

            long waitedMillis =
                    TimeUnit.NANOSECONDS.toMillis(recorder.batchNanos().get(0) - sentNanos);
            assertThat(waitedMillis)
                    .as("7 of 100 records: the batch waits the 300 ms timeout for more")
                    .isGreaterThanOrEqualTo(300);
            assertThat(recorder.batches()).containsExactly(KafkaFixture.values("t", 7));
        }
    }

    @Test
    void shouldRetryOnlyTheFailedRecordsOfABatchThenDeadLetterThePoisonOne() {
        KafkaFixture kafka = new KafkaFixture(broker, "batch-partial", 1);
        String deadLetters = kafka.topic + "-dlq";
        broker.createTopic(deadLetters, 1);
        List<String> values = new ArrayList<>(KafkaFixture.values("v", 20));
        values.set(2, "flaky-x2");
        values.set(4, "poison-y4");
        values.set(7, "flaky-x7");
        kafka.produce(0, values);
        Recorder recorder = Recorder.of(kafka.function);
        String batch = "      batch: {batchSize: 10, timeout: 200ms}";
        String attributes = "        retry: {maxAttempts: 3, initialBackoff: 10ms, maxBackoff: 40ms}\n"
                + "        deadLetterTopic: " + deadLetters;
        try (Processor processor = kafka.start(BATCHES, 1, batch, attributes)) {
            await().atMost(WAIT).until(() -> kafka.committed(0) == 20);
        }
        List<String> succeeded = new ArrayList<>(values);
        succeeded.remove("poison-y4");
        assertThat(recorder.succeededValues())
                .as("every record but the poison one handled once: a retry re-runs only the failed ones")
                .containsExactlyInAnyOrderElementsOf(succeeded)
                .doesNotHaveDuplicates();
        List<String> firstRetry = recorder.batches().stream()
                .filter(batchValues -> batchValues.contains("flaky-x2"))
                .skip(1)
                .findFirst()
                .orElseThrow();
        assertThat(firstRetry).containsExactly("flaky-x2", "poison-y4", "flaky-x7");
        assertThat(recorder.attemptsOf("poison-y4")).isEqualTo(3);
        assertThat(recorder.attemptsOf("flaky-x2")).isEqualTo(2);
        assertThat(recorder.attemptsOf("v9")).isEqualTo(1);

        List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll(deadLetters, 1, Duration.ofSeconds(20));
        assertThat(dead).hasSize(1);
        ConsumerRecord<byte[], byte[]> record = dead.get(0);
        assertThat(new String(record.value())).isEqualTo("poison-y4");
        assertThat(KafkaFixture.header(record, "nucleon.dlq.offset")).isEqualTo("4");
        assertThat(KafkaFixture.header(record, "nucleon.dlq.attempts")).isEqualTo("3");
        assertThat(KafkaFixture.header(record, "nucleon.dlq.error.class")).isEqualTo("batch-failure");
    }
}
