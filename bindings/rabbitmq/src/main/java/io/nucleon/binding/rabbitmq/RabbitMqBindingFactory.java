package io.nucleon.binding.rabbitmq;

import io.nucleon.runtime.spi.DataBinding;
import io.nucleon.runtime.spi.DataBindingContext;
import io.nucleon.runtime.spi.DataBindingFactory;
import java.util.Set;

/**
 * Creates {@code rabbit-mq} data bindings ({@code rabbitmq} is accepted too, as for the trigger): validates the
 * attributes and builds the connection factory, without connecting; the processor's check at start connects.
 */
public final class RabbitMqBindingFactory implements DataBindingFactory {

    /** The kind name: {@value}. */
    public static final String KIND = "rabbit-mq";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Set<String> aliases() {
        return Set.of("rabbitmq");
    }

    @Override
    public DataBinding create(DataBindingContext context) {
        return new RabbitMqDataBinding(context, RabbitMqBindingConfig.from(context));
    }
}
