package io.nucleon.binding.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The sends of the binding functions use, over Kafka's own MockProducer (no broker). */
class SharedKafkaProducerBindingTest {

    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());

    @Test
    void shouldCompleteWithTheRecordsMetadataOnlyOnceTheBrokerAcknowledged() throws Exception {
        SharedKafkaProducerBinding binding = binding(Optional.empty());

        CompletableFuture<RecordMetadata> sent = binding.send("orders", bytes("k"), bytes("v"));

        assertThat(sent).isNotDone();
        producer.completeNext();
        assertThat(sent.get().topic()).isEqualTo("orders");
        assertThat(producer.history()).singleElement().satisfies(record -> {
            assertThat(record.topic()).isEqualTo("orders");
            assertThat(record.key()).isEqualTo(bytes("k"));
            assertThat(record.value()).isEqualTo(bytes("v"));
        });
    }

    @Test
    void shouldFailTheFutureWithKafkasReason() {
        CompletableFuture<RecordMetadata> sent = binding(Optional.empty()).send("orders", null, bytes("v"));

        producer.errorNext(new RecordTooLargeException("too large"));

        assertThatThrownBy(sent::get)
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(RecordTooLargeException.class);
    }

    @Test
    void shouldSendToTheDefaultTopicAndEncodeTextAsUtf8() {
        SharedKafkaProducerBinding binding = binding(Optional.of("orders"));

        binding.send(bytes("k1"), bytes("v1"));
        binding.send("k2", "grüße");
        binding.send("refunds", "k3", null);
        binding.send((String) null, "v4");

        assertThat(producer.history())
                .extracting(ProducerRecord::topic)
                .containsExactly("orders", "orders", "refunds", "orders");
        assertThat(producer.history().get(1).value()).isEqualTo("grüße".getBytes(StandardCharsets.UTF_8));
        assertThat(producer.history().get(2).value()).isNull();
        assertThat(producer.history().get(3).key()).isNull();
    }

    @Test
    void shouldRefuseTheDefaultTopicSendsWithoutADefaultTopic() {
        SharedKafkaProducerBinding binding = binding(Optional.empty());

        assertThatThrownBy(() -> binding.send("k", "v"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("data binding 'orders' has no default topic: set attributes.topic in function.yaml, or"
                        + " name the topic with send(topic, key, value)");
        assertThatThrownBy(() -> binding.send((String) null, bytes("k"), bytes("v")))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("topic");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldFlushAndExposeTheProducer() {
        SharedKafkaProducerBinding binding = binding(Optional.empty());
        CompletableFuture<RecordMetadata> sent = binding.send("orders", null, bytes("v"));

        binding.flush();

        assertThat(producer.flushed()).isTrue();
        assertThat(sent).isCompleted();
        assertThat(binding.producer()).isSameAs(producer);
    }

    private SharedKafkaProducerBinding binding(Optional<String> topic) {
        return new SharedKafkaProducerBinding("orders", producer, topic);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
