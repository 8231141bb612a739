package io.nucleon.binding.jdbc;

import io.nucleon.runtime.spi.DataBinding;
import io.nucleon.runtime.spi.DataBindingContext;
import io.nucleon.runtime.spi.DataBindingFactory;

/**
 * Creates {@code jdbc} data bindings: a HikariCP pool per binding, which functions fetch as a {@link JdbcBinding}.
 */
public final class JdbcBindingFactory implements DataBindingFactory {

    /** The kind name: {@value}. */
    public static final String KIND = "jdbc";

    @Override
    public String kind() {
        return KIND;
    }

    /** Validates the attributes and builds the pool without connecting; the processor's check connects. */
    @Override
    public DataBinding create(DataBindingContext context) {
        return JdbcDataBinding.open(JdbcBindingConfig.from(context), context.registry());
    }
}
