package io.nucleon.binding.kafka;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.nucleon.runtime.spi.DataBinding;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * One {@code kafka} data binding, as the processor holds it: the shared producer, its metrics, the start-up check
 * and the close.
 */
final class KafkaDataBinding implements DataBinding {

    /** How long the check waits for the cluster when the binding has no default topic. */
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(10);
    /** How long close waits for records still in the producer's buffer to be acknowledged. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private static final Duration ADMIN_CLOSE_TIMEOUT = Duration.ofSeconds(2);

    private final KafkaBindingConfig config;
    private final Map<String, Object> producerConfig;
    private final Producer<byte[], byte[]> producer;
    private final KafkaClientMetrics metrics;
    private final SharedKafkaProducerBinding shared;

    /**
     * @param name the binding's name
     * @param config its attributes
     * @param producerConfig the producer's properties, for the check's Admin client
     * @param producer the producer, owned from now on
     * @param metrics the producer's meters, bound to the processor's registry; closed with the producer
     */
    KafkaDataBinding(
            String name,
            KafkaBindingConfig config,
            Map<String, Object> producerConfig,
            Producer<byte[], byte[]> producer,
            KafkaClientMetrics metrics) {
        this.config = config;
        this.producerConfig = producerConfig;
        this.producer = producer;
        this.metrics = metrics;
        this.shared = new SharedKafkaProducerBinding(name, producer, config.topic());
    }

    @Override
    public Class<?> type() {
        return KafkaProducerBinding.class;
    }

    /**
     * With a default topic, fetches its metadata through the producer itself (which also connects it, and needs
     * no more rights than writing to the topic does); without one, asks the cluster for its brokers.
     */
    @Override
    public void check() throws InterruptedException {
        if (config.topic().isPresent()) {
            checkTopic(config.topic().get());
        } else {
            checkCluster();
        }
    }

    private void checkTopic(String topic) {
        String failed = "Kafka at " + bootstrap() + " gave no metadata for topic '" + topic + "'";
        try {
            producer.partitionsFor(topic);
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    failed + " within " + config.maxBlock().toMillis() + " ms (max.block.ms): the brokers cannot be"
                            + " reached, or the topic does not exist and the brokers do not create topics on demand",
                    e);
        } catch (KafkaException e) {
            throw new IllegalStateException(failed, e); // a refused login or topic: Kafka's message says which
        }
    }

    private void checkCluster() throws InterruptedException {
        Admin admin = Admin.create(KafkaBindingConfig.adminConfig(producerConfig));
        try {
            DescribeClusterOptions options = new DescribeClusterOptions().timeoutMs((int) CHECK_TIMEOUT.toMillis());
            // The call times itself out; the get's own bound only guards against a call that never ends.
            admin.describeCluster(options).nodes().get(2 * CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw clusterFailure(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw clusterFailure(e);
        } finally {
            admin.close(ADMIN_CLOSE_TIMEOUT);
        }
    }

    private IllegalStateException clusterFailure(Throwable cause) {
        boolean timedOut = cause instanceof TimeoutException || cause instanceof java.util.concurrent.TimeoutException;
        return new IllegalStateException(
                "Kafka at " + bootstrap() + " did not describe its cluster"
                        + (timedOut ? " within " + CHECK_TIMEOUT.toSeconds() + " s" : ""),
                cause);
    }

    private String bootstrap() {
        return String.join(",", config.bootstrapServers());
    }

    @Override
    public Object forWorker() {
        return shared;
    }

    /** Removes the meters, then closes the producer, which sends what it still holds for up to 10 s. */
    @Override
    public void close() {
        try {
            metrics.close();
        } finally {
            producer.close(CLOSE_TIMEOUT);
        }
    }
}
