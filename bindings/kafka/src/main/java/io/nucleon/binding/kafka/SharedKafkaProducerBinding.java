package io.nucleon.binding.kafka;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** The one {@link KafkaProducerBinding} every worker of a processor gets: a thin layer over the shared producer. */
final class SharedKafkaProducerBinding implements KafkaProducerBinding {

    private final String bindingName;
    private final Producer<byte[], byte[]> producer;
    private final String defaultTopic;

    /**
     * @param bindingName the binding's name, for messages
     * @param producer the producer, owned by the caller
     * @param defaultTopic the topic of {@link #send(byte[], byte[])}, when the binding has one
     */
    SharedKafkaProducerBinding(String bindingName, Producer<byte[], byte[]> producer, Optional<String> defaultTopic) {
        this.bindingName = bindingName;
        this.producer = producer;
        this.defaultTopic = defaultTopic.orElse(null);
    }

    @Override
    public Producer<byte[], byte[]> producer() {
        return producer;
    }

    @Override
    public CompletableFuture<RecordMetadata> send(String topic, byte[] key, byte[] value) {
        Objects.requireNonNull(topic, "topic");
        SendResult result = new SendResult();
        producer.send(new ProducerRecord<>(topic, key, value), result);
        return result;
    }

    @Override
    public CompletableFuture<RecordMetadata> send(byte[] key, byte[] value) {
        if (defaultTopic == null) {
            throw new IllegalStateException("data binding '" + bindingName + "' has no default topic: set"
                    + " attributes.topic in function.yaml, or name the topic with send(topic, key, value)");
        }
        return send(defaultTopic, key, value);
    }

    @Override
    public void flush() {
        producer.flush();
    }

    @Override
    public String toString() {
        return "KafkaProducerBinding[" + bindingName + (defaultTopic == null ? "" : ", topic " + defaultTopic) + "]";
    }

    /** The future a send returns and the producer's callback in one object: one allocation per send, not two. */
    private static final class SendResult extends CompletableFuture<RecordMetadata> implements Callback {

        @Override
        public void onCompletion(RecordMetadata metadata, Exception failure) {
            if (failure != null) {
                completeExceptionally(failure);
            } else {
                complete(metadata);
            }
        }
    }
}
