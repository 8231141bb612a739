package io.nucleon.testing.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class KafkaBrokerIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);

    @Test
    void shouldProduceAndConsumeThroughTheBroker(KafkaBroker broker) throws Exception {
        String topic = "produce-consume";
        broker.createTopic(topic, 3);
        List<String> sent = IntStream.range(0, 100).mapToObj(i -> "value-" + i).toList();

        try (KafkaProducer<String, String> producer = producer(broker)) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < sent.size(); i++) {
                acks.add(producer.send(new ProducerRecord<>(topic, "key-" + i, sent.get(i))));
            }
            producer.flush();
            for (Future<RecordMetadata> ack : acks) {
                ack.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        }

        List<ConsumerRecord<String, String>> received = consume(broker, topic, sent.size());
        assertThat(received).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(received).extracting(ConsumerRecord::partition).containsOnly(0, 1, 2);
    }

    @Test
    void shouldKeepAnAcknowledgedRecordWhenTheBrokerIsKilledAndRestarted(KafkaBroker broker) throws Exception {
        String topic = "survives-kill";
        broker.createTopic(topic, 1);
        try (KafkaProducer<String, String> producer = producer(broker)) {
            producer.send(new ProducerRecord<>(topic, "before-kill", "acknowledged"))
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            producer.flush();
        }

        broker.kill();
        assertThatThrownBy(() -> broker.admin()
                        .describeCluster(new DescribeClusterOptions().timeoutMs(500))
                        .nodes()
                        .get())
                .as("the broker should be gone after kill()")
                .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        broker.restart();

        assertThat(consume(broker, topic, 1)).extracting(ConsumerRecord::value).containsExactly("acknowledged");
    }

    private static KafkaProducer<String, String> producer(KafkaBroker broker) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class));
    }

    /** Polls with a fresh consumer group from the earliest offset until it has {@code count} records. */
    private static List<ConsumerRecord<String, String>> consume(KafkaBroker broker, String topic, int count) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class);
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            while (received.size() < count && System.nanoTime() - deadline < 0) {
                consumer.poll(POLL).forEach(received::add);
            }
        }
        assertThat(received)
                .as("records consumed from '%s' within %s", topic, TIMEOUT)
                .hasSize(count);
        return received;
    }
}
