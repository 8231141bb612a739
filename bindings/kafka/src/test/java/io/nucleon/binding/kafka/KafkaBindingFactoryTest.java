package io.nucleon.binding.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.nucleon.runtime.spi.DataBinding;
import io.nucleon.runtime.spi.DataBindingContext;
import io.nucleon.runtime.spi.DataBindingFactory;
import io.nucleon.testing.brokers.BrokerProcess;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The factory as the processor finds and uses it, with nothing listening on the bootstrap port (no check). */
class KafkaBindingFactoryTest {

    @Test
    void shouldBeFoundByItsKindAndAlias() {
        DataBindingFactory factory = ServiceLoader.load(DataBindingFactory.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(each -> each.kind().equals("kafka"))
                .findFirst()
                .orElseThrow();

        assertThat(factory).isInstanceOf(KafkaBindingFactory.class);
        assertThat(factory.aliases()).containsExactly("kafka-producer");
    }

    @Test
    void shouldCreateTheSharedProducerWithItsMetersAndCloseBoth() throws Exception {
        DataBindingContext context = KafkaBindingConfigTest.context(
                "      attributes: {brokers: '127.0.0.1:" + BrokerProcess.freePort() + "', topic: orders}\n", Map.of());
        MeterRegistry registry = context.registry();

        DataBinding binding = new KafkaBindingFactory().create(context);
        try {
            assertThat(binding.type()).isEqualTo(KafkaProducerBinding.class);
            assertThat(binding.perWorker()).isFalse();
            assertThat(binding.forWorker())
                    .isInstanceOf(KafkaProducerBinding.class)
                    .isSameAs(binding.forWorker());
            assertThat(registry.find("kafka.producer.record.send.total")
                            .tags("function", "shop", "binding", "orders", "client.id", "nucleon-shop-orders")
                            .meter())
                    .isNotNull();
        } finally {
            binding.close();
        }

        assertThat(registry.find("kafka.producer.record.send.total").meters()).isEmpty();
        assertThat(producerThreadAlive("nucleon-shop-orders")).isFalse();
        assertThat(threadAlive("micrometer-kafka-metrics")).isFalse();
    }

    /** Kafka names its producer's I/O thread after the client id. */
    static boolean producerThreadAlive(String clientId) {
        return threadAlive("kafka-producer-network-thread | " + clientId);
    }

    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.getName().equals(name) && thread.isAlive());
    }
}
