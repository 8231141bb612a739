package io.nucleon.examples.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.runtime.Processor;
import io.nucleon.runtime.ProcessorSettings;
import io.nucleon.testing.kafka.KafkaBroker;
import io.nucleon.testing.kafka.KafkaBrokerExtension;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The example's own function.yaml, run by an in-process processor against a real broker: every good
 * order comes out enriched, exactly once in a run without crashes, and the malformed ones end up in the
 * dead-letter topic after their retries; an order whose output cannot be sent never counts as done.
 */
@ExtendWith(KafkaBrokerExtension.class)
class EnrichOrdersIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int ORDERS = 500;
    private static final List<String> MALFORMED = List.of("order-x,many,1.00", "not an order");
    private static final Pattern ENRICHED = Pattern.compile("\\{\"order\":\"(order-\\d+)\",\"quantity\":(\\d+),"
            + "\"unitPrice\":(\\d+\\.\\d\\d),\"total\":(\\d+\\.\\d\\d),\"source\":\"(orders/\\d+/\\d+)\"}");

    private final KafkaBroker broker;

    EnrichOrdersIT(KafkaBroker broker) {
        this.broker = broker;
    }

    @Test
    void shouldEnrichEveryOrderAndDeadLetterMalformedOnes() throws IOException {
        broker.createTopic("orders", 2);
        broker.createTopic("orders-enriched", 2);
        broker.createTopic("orders-dlq", 1);
        Map<String, Input> inputs = produceOrders();

        List<ConsumerRecord<String, String>> enriched = new ArrayList<>();
        List<ConsumerRecord<String, String>> deadLetters = new ArrayList<>();
        try (Processor processor = Processor.start(settings(functionYaml(broker.bootstrapServers())));
                KafkaConsumer<String, String> consumer = consumer()) {
            consumer.subscribe(List.of("orders-enriched", "orders-dlq"));
            await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    (record.topic().equals("orders-dlq") ? deadLetters : enriched).add(record);
                }
                return enriched.size() >= ORDERS && deadLetters.size() >= MALFORMED.size();
            });
            await().atMost(WAIT).until(() -> committedInputOffsets("enrich") == ORDERS + MALFORMED.size());
            // Only the failed records of a batch run again: each good order once, each malformed one thrice.
            assertThat(count(processor, "nucleon_kafka_records_handled")).isEqualTo(ORDERS);
            assertThat(count(processor, "nucleon_kafka_records_failed")).isEqualTo(3 * MALFORMED.size());
            assertThat(count(processor, "nucleon_kafka_records_dead_lettered")).isEqualTo(MALFORMED.size());
        }

        assertThat(enriched).as("each order once").hasSize(ORDERS);
        for (ConsumerRecord<String, String> record : enriched) {
            assertEnriched(record, inputs);
        }
        assertThat(deadLetters).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(MALFORMED);
        for (ConsumerRecord<String, String> record : deadLetters) {
            assertDeadLetter(record, inputs.get(record.value()));
        }
    }

    @Test
    void shouldNotCountOrdersDoneWhileTheirOutputCannotBeSent() throws IOException {
        broker.createTopic("orders-outage", 2);
        broker.createTopic("orders-outage-dlq", 1);
        List<String> lines = List.of("order-1,1,1.00", "order-2,2,2.00", "order-3,3,3.00", "order-4,4,4.00");
        try (KafkaProducer<String, String> producer = producer()) {
            for (String line : lines) {
                producer.send(new ProducerRecord<>("orders-outage", line, line));
            }
        }
        // Nothing listens on port 1: every send fails once the producer's max.block.ms has passed.
        String yaml = functionYaml("127.0.0.1:1")
                .replace("topics: [orders]", "topics: [orders-outage]")
                .replace("consumerGroup: enrich", "consumerGroup: enrich-outage")
                .replace("deadLetterTopic: orders-dlq", "deadLetterTopic: orders-outage-dlq");

        List<ConsumerRecord<String, String>> deadLetters = new ArrayList<>();
        try (Processor processor = Processor.start(settings(yaml));
                KafkaConsumer<String, String> consumer = consumer()) {
            consumer.subscribe(List.of("orders-outage-dlq"));
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(deadLetters::add);
                return deadLetters.size() >= lines.size();
            });
            await().atMost(WAIT).until(() -> committedInputOffsets("enrich-outage") == lines.size());
            assertThat(count(processor, "nucleon_kafka_records_handled")).isZero();
        }

        assertThat(deadLetters).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(lines);
        assertThat(deadLetters)
                .allSatisfy(record -> assertThat(header(record, "attempts")).isEqualTo("3"));
    }

    /** An order as produced: its key, its fields (null when malformed) and its send, which says where it went. */
    private record Input(String key, BigDecimal quantity, BigDecimal unitPrice, Future<RecordMetadata> sent) {

        /** @return {@code topic/partition/offset}, as the enriched order's "source" names it */
        String source() {
            try {
                RecordMetadata metadata = sent.get();
                return metadata.topic() + "/" + metadata.partition() + "/" + metadata.offset();
            } catch (InterruptedException | ExecutionException e) {
                throw new IllegalStateException("producing the test's orders failed", e);
            }
        }
    }

    /** @return the inputs by order id, and by the line itself for the malformed ones */
    private Map<String, Input> produceOrders() {
        Map<String, Input> inputs = new HashMap<>();
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < ORDERS; i++) {
                String id = "order-" + i;
                int quantity = 1 + i % 5;
                String unitPrice = (i % 40) + "." + String.format("%02d", (i * 7) % 100);
                String key = "customer-" + i % 10;
                var sent = producer.send(new ProducerRecord<>("orders", key, id + "," + quantity + "," + unitPrice));
                inputs.put(id, new Input(key, BigDecimal.valueOf(quantity), new BigDecimal(unitPrice), sent));
                if (i % 200 == 100) {
                    String line = MALFORMED.get(i / 200);
                    inputs.put(
                            line, new Input(key, null, null, producer.send(new ProducerRecord<>("orders", key, line))));
                }
            }
        }
        return inputs;
    }

    private static void assertEnriched(ConsumerRecord<String, String> record, Map<String, Input> inputs) {
        Matcher json = ENRICHED.matcher(record.value());
        assertThat(json.matches()).as("enriched JSON: %s", record.value()).isTrue();
        Input input = inputs.get(json.group(1));
        assertThat(record.key()).isEqualTo(input.key());
        assertThat(new BigDecimal(json.group(2))).isEqualTo(input.quantity());
        assertThat(new BigDecimal(json.group(3))).isEqualTo(input.unitPrice());
        assertThat(new BigDecimal(json.group(4)))
                .isEqualByComparingTo(input.quantity().multiply(input.unitPrice()));
        assertThat(json.group(5)).isEqualTo(input.source());
    }

    private static void assertDeadLetter(ConsumerRecord<String, String> record, Input input) {
        assertThat(record.key()).isEqualTo(input.key());
        assertThat("orders/" + header(record, "partition") + "/" + header(record, "offset"))
                .isEqualTo(input.source());
        assertThat(header(record, "topic")).isEqualTo("orders");
        assertThat(header(record, "attempts")).isEqualTo("3");
        assertThat(header(record, "error.class")).isEqualTo("batch-failure");
        assertThat(header(record, "function")).isEqualTo("kafka-enrich");
        assertThat(header(record, "trigger")).isEqualTo("orders");
    }

    /** The example's function.yaml: input from the test's broker, output to {@code outputBrokers}. */
    private String functionYaml(String outputBrokers) throws IOException {
        return Files.readString(Path.of("function.yaml"))
                .replace("value: 127.0.0.1:9092", "value: " + outputBrokers)
                .replace("127.0.0.1:9092", broker.bootstrapServers());
    }

    private static ProcessorSettings settings(String yaml) {
        return ProcessorSettings.defaults(FunctionConfigLoader.parse(yaml, "function.yaml"), List.of())
                .withAdmin("127.0.0.1", 0)
                .withDrainTimeout(Duration.ofSeconds(10));
    }

    private long committedInputOffsets(String group) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> offsets = broker.admin()
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get();
        long sum = 0;
        for (OffsetAndMetadata offset : offsets.values()) {
            sum += offset == null ? 0 : offset.offset();
        }
        return sum;
    }

    private static long count(Processor processor, String counter) {
        return (long) processor.registry().get(counter).counter().count();
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader("nucleon.dlq." + name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private KafkaProducer<String, String> producer() {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer());
    }

    private KafkaConsumer<String, String> consumer() {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer());
    }
}
