package io.nucleon.trigger.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nucleon.runtime.Processor;
import io.nucleon.testing.functions.Recorder;
import io.nucleon.testing.functions.RecordingFunction;
import io.nucleon.testing.kafka.KafkaBroker;
import io.nucleon.testing.kafka.KafkaBrokerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Kafka trigger against a real broker: order, commits, retries and dead letters. */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaTriggerIT {

    private static final String RUNS = RecordingFunction.class.getName();
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final KafkaBroker broker;

    KafkaTriggerIT(KafkaBroker broker) {
        this.broker = broker;
    }

    @Test
    void shouldHandleEachPartitionInOffsetOrderAndCommitEverything() {
        KafkaFixture kafka = new KafkaFixture(broker, "order", 3);
        for (int partition = 0; partition < 3; partition++) {
            kafka.produce(partition, KafkaFixture.values("p" + partition + "-", 400));
        }
        Recorder recorder = Recorder.of(kafka.function);
        try (Processor processor = kafka.start(RUNS, 3, "", "")) {
            await().atMost(WAIT).until(() -> recorder.succeededValues().size() >= 1200);
            for (int partition = 0; partition < 3; partition++) {
                int p = partition;
                await().atMost(WAIT).until(() -> kafka.committed(p) == 400);
                assertThat(recorder.succeededOffsets(partition))
                        .as("partition %d handled in offset order, each once", partition)
                        .isSorted()
                        .doesNotHaveDuplicates()
                        .hasSize(400);
            }
        }
        assertThat(new HashSet<>(recorder.succeededValues())).hasSize(1200);
    }

    @Test
    void shouldNotCommitPastFailedRecordAndNotStallOtherPartitions() {
        KafkaFixture kafka = new KafkaFixture(broker, "poison", 2);
        List<String> blocked = new ArrayList<>(KafkaFixture.values("a", 5));
        blocked.add("poison-a5");
        blocked.addAll(KafkaFixture.values("after", 4));
        kafka.produce(0, blocked);
        kafka.produce(1, KafkaFixture.values("b", 50));
        Recorder recorder = Recorder.of(kafka.function);
        String retry = "        retry: {maxAttempts: 2, initialBackoff: 10ms, maxBackoff: 50ms}";
        try (Processor processor = kafka.start(RUNS, 2, "", retry)) {
            await().atMost(WAIT).until(() -> kafka.committed(1) == 50);
            await().atMost(WAIT).until(() -> recorder.attemptsOf("poison-a5") >= 5);
            await().atMost(WAIT).until(() -> kafka.committed(0) == 5);
            assertThat(recorder.succeededOffsets(0)).containsExactly(0L, 1L, 2L, 3L, 4L);
            assertThat(recorder.succeededValues()).doesNotContain("after0");
            assertThat(kafka.committed(0)).as("never past the failed record").isEqualTo(5);
        }
    }

    @Test
    void shouldRetryThenSendToDeadLetterTopicWithErrorAndOrigin() {
        KafkaFixture kafka = new KafkaFixture(broker, "dlq", 1);
        String deadLetters = kafka.topic + "-dlq";
        broker.createTopic(deadLetters, 1);
        kafka.produce(0, List.of("v0", "poison-v1", "flaky-v2", "v3"));
        Recorder recorder = Recorder.of(kafka.function);
        String attributes = "        retry: {maxAttempts: 3, initialBackoff: 10ms, maxBackoff: 40ms}\n"
                + "        deadLetterTopic: " + deadLetters;
        try (Processor processor = kafka.start(RUNS, 1, "", attributes)) {
            await().atMost(WAIT).until(() -> kafka.committed(0) == 4);
            assertThat(recorder.attemptsOf("poison-v1")).isEqualTo(3);
            assertThat(recorder.attemptsOf("flaky-v2")).isEqualTo(2);
            assertThat(recorder.succeededValues()).containsExactly("v0", "flaky-v2", "v3");
        }
        List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll(deadLetters, 1, Duration.ofSeconds(20));
        assertThat(dead).hasSize(1);
        ConsumerRecord<byte[], byte[]> record = dead.get(0);
        assertThat(new String(record.value())).isEqualTo("poison-v1");
        assertThat(KafkaFixture.header(record, "nucleon.dlq.topic")).isEqualTo(kafka.topic);
        assertThat(KafkaFixture.header(record, "nucleon.dlq.partition")).isEqualTo("0");
        assertThat(KafkaFixture.header(record, "nucleon.dlq.offset")).isEqualTo("1");
        assertThat(KafkaFixture.header(record, "nucleon.dlq.attempts")).isEqualTo("3");
        assertThat(KafkaFixture.header(record, "nucleon.dlq.error.class"))
                .isEqualTo(IllegalArgumentException.class.getName());
        assertThat(KafkaFixture.header(record, "nucleon.dlq.error")).isEqualTo("cannot handle poison-v1");
    }

    @Test
    void shouldReportAConsumerTheBrokerRefusesAsATriggerProblemAndNotReady() throws Exception {
        KafkaFixture kafka = new KafkaFixture(broker, "refused", 1);
        // Below the broker's group.min.session.timeout.ms (6 s): the broker refuses to let it join.
        String session = "        sessionTimeout: 2s\n        heartbeatInterval: 500ms";
        try (Processor processor = kafka.start(RUNS, 1, "", session)) {
            await().atMost(WAIT)
                    .until(() -> processor.trigger("orders").problem().isPresent());
            assertThat(processor.trigger("orders").problem().orElseThrow())
                    .startsWith("the Kafka consumer fails: ")
                    .contains("InvalidSessionTimeoutException");
            java.net.http.HttpResponse<String> ready = java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(
                                            java.net.URI.create("http://127.0.0.1:" + processor.adminPort() + "/ready"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(503);
        }
    }
}
