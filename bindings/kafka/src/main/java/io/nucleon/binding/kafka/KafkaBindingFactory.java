package io.nucleon.binding.kafka;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.nucleon.runtime.spi.DataBinding;
import io.nucleon.runtime.spi.DataBindingContext;
import io.nucleon.runtime.spi.DataBindingFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Creates {@code kafka} data bindings ({@code kafka-producer} is accepted too): one Kafka producer per binding,
 * shared by all workers, that functions fetch as a {@link KafkaProducerBinding}.
 */
public final class KafkaBindingFactory implements DataBindingFactory {

    /** The kind name: {@value}. */
    public static final String KIND = "kafka";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Set<String> aliases() {
        return Set.of("kafka-producer");
    }

    /**
     * Validates the attributes and makes the producer, which connects only when first asked for metadata (by the
     * check that follows), and binds its metrics to the processor's registry.
     */
    @Override
    public DataBinding create(DataBindingContext context) {
        KafkaBindingConfig config = KafkaBindingConfig.from(context);
        Map<String, Object> producerConfig =
                config.producerConfig("nucleon-" + context.functionName() + "-" + context.name());
        Producer<byte[], byte[]> producer =
                new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
        try {
            KafkaClientMetrics metrics = new KafkaClientMetrics(producer, context.tags());
            metrics.bindTo(context.registry());
            return new KafkaDataBinding(context.name(), config, producerConfig, producer, metrics);
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
    }
}
