package io.nucleon.trigger.kafka;

import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.runtime.Processor;
import io.nucleon.runtime.ProcessorSettings;
import io.nucleon.testing.functions.Recorder;
import io.nucleon.testing.functions.Run;
import io.nucleon.testing.kafka.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Topics, producers and processors for one test, against the real broker. */
final class KafkaFixture {

    final KafkaBroker broker;
    final String topic;
    final String group;
    final String function;
    /** spec.eventTimeout of the processors this fixture starts. */
    String eventTimeout = "5s";

    KafkaFixture(KafkaBroker broker, String name, int partitions) {
        this.broker = broker;
        String unique = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.topic = unique;
        this.group = unique + "-group";
        this.function = unique;
        broker.createTopic(topic, partitions);
    }

    /** Produces values to one partition, in order, and waits for the broker's acknowledgement. */
    void produce(int partition, List<String> values) {
        try (KafkaProducer<String, String> producer = producer()) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, partition, null, value));
            }
            producer.flush();
        }
    }

    KafkaProducer<String, String> producer() {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer());
    }

    static List<String> values(String prefix, int count) {
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(prefix + i);
        }
        return values;
    }

    /** A processor running {@code handler} with a kafka-cluster trigger named "orders" on this topic. */
    Processor start(String handler, int numWorkers, String triggerExtras, String attributeExtras) {
        return start("orders", KafkaTriggerFactory.KIND, handler, numWorkers, triggerExtras, attributeExtras);
    }

    /**
     * A processor of this test's function (so it shares the test's {@link Recorder}) with one trigger, in
     * this test's consumer group. Two processors with different trigger names are two members of the group
     * whose work {@link Run#trigger()} tells apart.
     *
     * @param triggerName the trigger's key in spec.triggers
     * @param kind {@code kafka-cluster} or its alias {@code kafka}
     * @param triggerExtras YAML lines indented 6 spaces (e.g. a batch section), or ""
     * @param attributeExtras YAML lines indented 8 spaces, or ""
     */
    Processor start(
            String triggerName,
            String kind,
            String handler,
            int numWorkers,
            String triggerExtras,
            String attributeExtras) {
        String yaml = """
                metadata:
                  name: %s
                spec:
                  handler: %s
                  eventTimeout: %s
                  triggers:
                    %s:
                      kind: %s
                      numWorkers: %d
                %s
                      attributes:
                        brokers: [%s]
                        topics: [%s]
                        consumerGroup: %s
                        initialOffset: earliest
                        commitInterval: 100ms
                %s
                %s
                """.formatted(
                        function,
                        handler,
                        eventTimeout,
                        triggerName,
                        kind,
                        numWorkers,
                        triggerExtras,
                        broker.bootstrapServers(),
                        topic,
                        group,
                        defaultsNotIn(attributeExtras),
                        attributeExtras);
        ProcessorSettings settings = ProcessorSettings.defaults(
                        FunctionConfigLoader.parse(yaml, "function.yaml"), List.of())
                .withAdmin("127.0.0.1", 0)
                .withDrainTimeout(Duration.ofSeconds(10));
        return Processor.start(settings);
    }

    /** The test defaults (short session and termination timeouts), except those the test sets itself. */
    private static String defaultsNotIn(String attributeExtras) {
        StringBuilder lines = new StringBuilder();
        for (String line : List.of("sessionTimeout: 6s", "heartbeatInterval: 1s", "workerTerminationTimeout: 5s")) {
            if (!attributeExtras.contains(line.substring(0, line.indexOf(':') + 1))) {
                lines.append(lines.isEmpty() ? "" : "\n").append("        ").append(line);
            }
        }
        return lines.toString();
    }

    /** @return the value of a gauge of the trigger's own metrics (one trigger per processor here) */
    static double gauge(Processor processor, String name) {
        return processor.registry().get(name).gauge().value();
    }

    /** @return the partitions the processor's consumer owns now, as its per-partition lag gauges say */
    static int ownedPartitions(Processor processor) {
        return processor.registry().find("nucleon_kafka_consumer_lag").gauges().size();
    }

    /** @return whether the poll thread of the named trigger is alive ({@code nucleon-kafka-<trigger>}) */
    static boolean pollThreadAlive(String triggerName) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.getName().equals("nucleon-kafka-" + triggerName) && thread.isAlive());
    }

    /** @return the group's committed offset of a partition, or -1 */
    long committed(int partition) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = broker.admin()
                    .listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            OffsetAndMetadata offset = offsets.get(new TopicPartition(topic, partition));
            return offset == null ? -1 : offset.offset();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    long endOffset(int partition) {
        try {
            TopicPartition topicPartition = new TopicPartition(topic, partition);
            return broker.admin()
                    .listOffsets(Map.of(topicPartition, OffsetSpec.latest()))
                    .partitionResult(topicPartition)
                    .get()
                    .offset();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads every record of a topic from the start, for up to {@code wait}. */
    List<ConsumerRecord<byte[], byte[]>> readAll(String topicName, int expected, Duration wait) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topicName));
            long deadline = System.nanoTime() + wait.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
