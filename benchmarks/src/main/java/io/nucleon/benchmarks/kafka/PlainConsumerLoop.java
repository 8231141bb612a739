package io.nucleon.benchmarks.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The baseline: what a developer writes without a runtime. One thread polls, processes every record of
 * the poll (the same {@link RecordSink#record} the trigger's function calls), then commits the offsets
 * of that poll with {@code commitAsync} (commit after processing, once per poll). The consumer is
 * configured as the trigger configures its own: no auto-commit, the classic group protocol with the
 * cooperative-sticky assignor, the same {@code max.poll.records}, Kafka's defaults for fetching.
 */
final class PlainConsumerLoop {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private PlainConsumerLoop() {}

    /**
     * Consumes {@code topic} from the start in a new group until {@link RecordSink} has its target or the
     * deadline passes, then commits synchronously and leaves the group.
     *
     * @return what the consumer's metrics say about the run
     */
    static ConsumerStats run(
            String bootstrapServers, String topic, String group, int maxPollRecords, long deadlineNanos) {
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        String clientId = "plain-" + group;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                properties(bootstrapServers, group, clientId, maxPollRecords),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (!RecordSink.reached() && System.nanoTime() - deadlineNanos < 0) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
                if (records.isEmpty()) {
                    continue;
                }
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (TopicPartition partition : records.partitions()) {
                    List<ConsumerRecord<byte[], byte[]>> partitionRecords = records.records(partition);
                    for (ConsumerRecord<byte[], byte[]> record : partitionRecords) {
                        byte[] value = record.value();
                        RecordSink.record(value == null ? 0 : value.length);
                    }
                    long next =
                            partitionRecords.get(partitionRecords.size() - 1).offset() + 1;
                    offsets.put(partition, new OffsetAndMetadata(next));
                }
                consumer.commitAsync(offsets, null);
                committed.putAll(offsets);
            }
            ConsumerStats stats = ConsumerStats.read(clientId);
            consumer.commitSync(committed, CLOSE_TIMEOUT);
            return stats;
        }
    }

    private static Properties properties(String bootstrapServers, String group, String clientId, int maxPollRecords) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
        properties.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        properties.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        return properties;
    }
}
