package io.nucleon.binding.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nucleon.runtime.Processor;
import io.nucleon.testing.brokers.BrokerProcess;
import io.nucleon.testing.kafka.KafkaBroker;
import io.nucleon.testing.kafka.KafkaBrokerExtension;
import io.nucleon.testing.processor.HttpProcessor;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The kafka binding in a real processor against a real broker: a function writes each HTTP request's body through
 * it, and the test reads the records back with its own consumer.
 */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaBindingIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final String name = "kafka-binding-" + UUID.randomUUID().toString().substring(0, 8);
    private HttpProcessor processor;

    @AfterEach
    void tearDown() {
        if (processor != null) {
            processor.close();
        }
    }

    @Test
    void shouldWriteEachRequestBodyToTheDefaultTopic(KafkaBroker broker) {
        String topic = name + "-orders";
        broker.createTopic(topic, 3);
        processor = start("""
                      url: %s
                      attributes:
                        topic: %s
                """.formatted(broker.bootstrapServers(), topic));

        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> response = processor.post("/?key=customer-" + (i % 2), "order-" + i);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            answers.add(response.body());
        }

        List<ConsumerRecord<byte[], byte[]>> records = readAll(broker, topic, 6);
        assertThat(records)
                .extracting(KafkaBindingIT::value)
                .containsExactlyInAnyOrder("order-0", "order-1", "order-2", "order-3", "order-4", "order-5");
        assertThat(records)
                .extracting(record -> record.topic() + "/" + record.partition() + "/" + record.offset())
                .containsExactlyInAnyOrderElementsOf(answers);
        // One key, one partition: the records of a customer are in order.
        assertThat(records.stream()
                        .filter(record -> key(record).equals("customer-0"))
                        .map(ConsumerRecord::partition)
                        .distinct())
                .hasSize(1);
        assertThat(processor.metrics())
                .containsPattern("kafka_producer_record_send_total\\{[^}]*binding=\"orders\"[^}]*} 6\\.0");
    }

    @Test
    void shouldWriteToTheTopicTheFunctionNamesAndRefuseDefaultTopicSendsWithoutOne(KafkaBroker broker) {
        String refunds = name + "-refunds";
        broker.createTopic(refunds, 1);
        processor = start("""
                      attributes:
                        brokers: [%s]
                        compression: zstd
                        producer: {batch.size: 32768}
                """.formatted(broker.bootstrapServers()));

        HttpResponse<String> written = processor.post("/?topic=" + refunds + "&key=r1", "refund-1");
        HttpResponse<String> refused = processor.post("/?key=r2", "refund-2");

        assertThat(written.statusCode()).as(written.body()).isEqualTo(200);
        assertThat(written.body()).isEqualTo(refunds + "/0/0");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).startsWith("data binding 'orders' has no default topic");
        assertThat(readAll(broker, refunds, 1)).singleElement().satisfies(record -> assertThat(
                        key(record) + "=" + value(record))
                .isEqualTo("r1=refund-1"));
    }

    @Test
    void shouldWriteRecordsStillBufferedAndCloseTheProducerWhenTheProcessorCloses(KafkaBroker broker) {
        String topic = name + "-late";
        broker.createTopic(topic, 1);
        processor = start("""
                      attributes:
                        brokers: %s
                        topic: %s
                        linger: 2s
                """.formatted(broker.bootstrapServers(), topic));
        for (int i = 0; i < 3; i++) {
            assertThat(processor.post("/?wait=false", "late-" + i).body()).isEqualTo("sent");
        }
        KafkaProducerBinding binding = ProduceFunction.lastBinding;

        processor.close();
        processor = null;

        assertThat(readAll(broker, topic, 3))
                .extracting(KafkaBindingIT::value)
                .containsExactly("late-0", "late-1", "late-2");
        assertThat(KafkaBindingFactoryTest.producerThreadAlive("nucleon-" + name + "-orders"))
                .isFalse();
        assertThatThrownBy(() -> binding.send("k", "v"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void shouldFailTheStartNamingTheBindingWhenNoBrokerAnswersForTheDefaultTopic() {
        int port = BrokerProcess.freePort();

        assertStartFails(
                "      attributes: {brokers: '127.0.0.1:%d', topic: orders}\n".formatted(port),
                "Kafka at 127.0.0.1:" + port + " gave no metadata for topic 'orders' within 10000 ms");
    }

    @Test
    void shouldFailTheStartNamingTheBindingWhenNoBrokerAnswersTheClusterCheck() {
        int port = BrokerProcess.freePort();

        assertStartFails(
                "      url: 127.0.0.1:%d\n".formatted(port),
                "Kafka at 127.0.0.1:" + port + " did not describe its cluster within 10 s");
    }

    private void assertStartFails(String bindingLines, String reason) {
        long started = System.nanoTime();

        assertThatThrownBy(() -> Processor.start(
                        HttpProcessor.settings(name, ProduceFunction.class.getName(), bindings(bindingLines))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("data binding 'orders' (kind kafka")
                .hasMessageContaining("check at start failed: " + reason);
        // The binding's own 10 s bound, well before the processor's 30 s one.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        assertThat(KafkaBindingFactoryTest.producerThreadAlive("nucleon-" + name + "-orders"))
                .isFalse();
    }

    private HttpProcessor start(String bindingLines) {
        return HttpProcessor.start(name, ProduceFunction.class.getName(), bindings(bindingLines));
    }

    /** {@code spec.dataBindings} with one kafka binding {@code orders}; its lines are indented six spaces. */
    private static String bindings(String bindingLines) {
        return """
                  dataBindings:
                    orders:
                      kind: kafka
                """ + bindingLines;
    }

    /** Every record of a topic from its start, read by a consumer of the test's own, for up to 20 s. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(KafkaBroker broker, String topic, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo partition : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, partition.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // Anything past the expected records would be a duplicate: give it a moment to show.
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }

    private static String key(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.key(), StandardCharsets.UTF_8);
    }

    private static String value(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }
}
