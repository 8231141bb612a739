package io.nucleon.binding.nats;

import io.nucleon.runtime.spi.DataBinding;
import io.nucleon.runtime.spi.DataBindingContext;
import io.nucleon.runtime.spi.DataBindingFactory;

/**
 * Creates {@code nats} data bindings: validates the attributes and builds the client's options without connecting;
 * the processor's check at start connects. Functions fetch them as {@link NatsBinding}.
 */
public final class NatsBindingFactory implements DataBindingFactory {

    /** The kind name: {@value}. */
    public static final String KIND = "nats";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public DataBinding create(DataBindingContext context) {
        return new NatsDataBinding(context.name(), context.functionName(), NatsBindingConfig.from(context));
    }
}
