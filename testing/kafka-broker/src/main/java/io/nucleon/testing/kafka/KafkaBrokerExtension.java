package io.nucleon.testing.kafka;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that gives tests a real Kafka broker ({@link KafkaBroker}) as a parameter of
 * their constructor, {@code @BeforeAll}, {@code @BeforeEach} or test methods:
 *
 * <pre>{@code
 * @ExtendWith(KafkaBrokerExtension.class)
 * class OrdersIT {
 *     @Test
 *     void shouldConsumeOrders(KafkaBroker broker) {
 *         broker.createTopic("orders", 3);
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>One broker serves the whole test JVM: it starts when the first test class using this extension
 * starts, is shared by every later one, and stops when the JVM's tests end. Tests should therefore use
 * their own topic names. A broker that an earlier test killed or stopped is restarted before the next
 * test class or parameter gets it.
 *
 * <p>If the broker cannot start, the tests fail (never skip) with the reason and the broker's log:
 * these tests are meant to run everywhere {@code mvn verify} runs.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

    /** Starts the broker before any test of the class, so a start failure fails the class at once. */
    @Override
    public void beforeAll(ExtensionContext context) {
        broker(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return broker(context);
    }

    /**
     * The root store lives as long as the test JVM's test run, and JUnit closes the AutoCloseable
     * values in it at the end: that is what stops the broker.
     */
    private static KafkaBroker broker(ExtensionContext context) {
        KafkaBroker broker = context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(KafkaBroker.class, key -> KafkaBroker.start(), KafkaBroker.class);
        broker.ensureRunning();
        return broker;
    }
}
